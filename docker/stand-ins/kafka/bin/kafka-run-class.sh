#!/usr/bin/env bash
# java with Kafka's classpath, as the release's kafka-run-class.sh: KAFKA_HEAP_OPTS and
# KAFKA_OPTS apply; KAFKA_LOG4J_OPTS picks the logging config (tools: warnings to stderr).
set -euo pipefail
# shellcheck disable=SC2086 # the *_OPTS variables are lists of JVM flags.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC} \
  ${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties} \
  ${KAFKA_OPTS:-} -Djava.awt.headless=true -cp '/opt/kafka/libs/*' "$@"
