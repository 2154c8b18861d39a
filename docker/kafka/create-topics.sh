#!/usr/bin/env bash
# kafka-init (docker-compose.yml): creates every topic of libs/contracts/src/topology.ts
# (ALL_TOPICS, test/docker-compose.spec.ts keeps the list in step), then exits 0.
# Under either profile: the name `kafka` reaches the single broker, or any node of the
# cluster profile, and the brokers' advertised names tell which it is.
set -euo pipefail
topics=/opt/kafka/bin/kafka-topics.sh

# "host:9092 (id: N ..." for each broker the cluster's metadata lists, once one answers.
brokers() {
  timeout 30 /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server kafka:9092 2>/dev/null |
    grep -oE '^[a-z0-9-]+:9092 \(id: [0-9]+' || true
}

for attempt in $(seq 1 90); do
  found=$(brokers)
  if grep -q '^kafka-' <<<"$found"; then
    # The cluster profile: every topic on all three nodes, two in sync for an acks=all write.
    want=3 replicas=3 min_isr=2
  else
    want=1 replicas=1 min_isr=1
  fi
  [ -n "$found" ] && [ "$(wc -l <<<"$found")" -ge "$want" ] && break
  echo "waiting for the brokers (attempt $attempt): ${found:-none answers yet}"
  sleep 2
done
[ -n "$found" ] && [ "$(wc -l <<<"$found")" -ge "$want" ] || { echo 'the brokers never answered' >&2; exit 1; }
echo "brokers: $(tr '\n' ' ' <<<"$found"); replication factor $replicas, min.insync.replicas $min_isr"

create() {
  "$topics" --bootstrap-server kafka:9092 --create --if-not-exists --topic "$1" --partitions "$2" \
    --replication-factor "$replicas" --config min.insync.replicas="$min_isr"
}
create order.events 6
create payment.events 6
create order-service.dlt 6
create payment-service.dlt 6
create read-model.dlt 6
"$topics" --bootstrap-server kafka:9092 --describe
