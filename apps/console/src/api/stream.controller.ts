import { Controller, Sse, type MessageEvent } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Observable, map } from 'rxjs';

import { SnapshotStream } from './snapshot-stream.js';

@ApiTags('console')
@Controller('api')
export class StreamController {
  constructor(private readonly stream: SnapshotStream) {}

  /** Server-sent events: one `Snapshot` (snapshot.ts) per scrape, as JSON. */
  @Sse('stream')
  snapshots(): Observable<MessageEvent> {
    return this.stream.snapshots.pipe(map((snapshot) => ({ data: snapshot })));
  }
}
