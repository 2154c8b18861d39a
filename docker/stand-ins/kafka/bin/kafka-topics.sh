#!/usr/bin/env bash
# Short-lived tool JVM: quick start-up matters more than peak speed.
exec "$(dirname "$0")/kafka-run-class.sh" -XX:TieredStopAtLevel=1 \
  org.apache.kafka.tools.TopicCommand "$@"
