#!/usr/bin/env bash
# The official image's start-up: KAFKA_* variables -> server.properties, format the storage
# with CLUSTER_ID on first start, then run the broker in the foreground.
set -euo pipefail
config=/opt/kafka/config/server.properties

# Variables that configure the JVM or this script, not the broker.
not_properties=' KAFKA_VERSION KAFKA_HEAP_OPTS KAFKA_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS KAFKA_LOG4J_OPTS KAFKA_JMX_OPTS KAFKA_JMX_PORT KAFKA_JMX_HOSTNAME KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS KAFKA_TOOLS_LOG4J_LOGLEVEL '
: >"$config"
for var in $(compgen -e); do
  [[ $var == KAFKA_* && $not_properties != *" $var "* ]] || continue
  name=${var#KAFKA_}
  name=${name,,}
  name=${name//___/-}
  name=${name//__/@}
  name=${name//_/.}
  name=${name//@/_}
  printf '%s=%s\n' "$name" "${!var}" >>"$config"
done

if [ -z "${CLUSTER_ID:-}" ]; then
  echo 'error: CLUSTER_ID is not set' >&2
  exit 1
fi
# --ignore-formatted: a restart on the same volume keeps its data.
"$(dirname "$0")/kafka-storage.sh" format --cluster-id "$CLUSTER_ID" -c "$config" --ignore-formatted
exec "$(dirname "$0")/kafka-server-start.sh" "$config"
