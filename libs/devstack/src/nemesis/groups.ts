import { ACTS_ON, SERVICE_NAMES, TOPOLOGY, type ConsumerGroupName } from '@app/contracts';

export interface GroupTopics {
  readonly topics: readonly string[];
  readonly actsOn: readonly string[];
}

/** Each consumer group, the topics it reads and the event types it acts on (SYSTEM.md). */
export const GROUP_TOPICS = Object.fromEntries(
  SERVICE_NAMES.map((group): [ConsumerGroupName, GroupTopics] => [
    group,
    { topics: TOPOLOGY[group].consumes, actsOn: ACTS_ON[group] },
  ]),
) as Record<ConsumerGroupName, GroupTopics>;
export const GROUP_IDS = Object.keys(GROUP_TOPICS) as ConsumerGroupName[];
