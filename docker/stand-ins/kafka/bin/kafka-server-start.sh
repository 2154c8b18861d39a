#!/usr/bin/env bash
# The broker logs INFO to stdout unless KAFKA_LOG4J_OPTS says otherwise.
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}"
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"
