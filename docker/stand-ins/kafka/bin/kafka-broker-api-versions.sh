#!/usr/bin/env bash
# Short-lived tool JVM (the health check runs it every few seconds): quick start-up.
exec "$(dirname "$0")/kafka-run-class.sh" -XX:TieredStopAtLevel=1 \
  org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
