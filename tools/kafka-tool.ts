/**
 * Kafka's own command-line tools, from the jars the launcher caches (no download site):
 *   npm run kafka-consumer-groups -- --bootstrap-server 127.0.0.1:9092 --group read-model \
 *     --reset-offsets --to-earliest --all-topics --execute
 *   npm run kafka-topics -- --bootstrap-server 127.0.0.1:9092 --describe
 */
import { KAFKA_TOOLS, runKafkaTool } from '@app/devstack';

const [tool, ...args] = process.argv.slice(2);
const mainClass = KAFKA_TOOLS[tool as keyof typeof KAFKA_TOOLS];
if (!mainClass) {
  console.error(`kafka-tool: use one of ${Object.keys(KAFKA_TOOLS).join(', ')}`);
  process.exit(2);
}
const { status, output } = runKafkaTool(mainClass, args, (line) => console.error(line));
process.stdout.write(output);
process.exit(status);
