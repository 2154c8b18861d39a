import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.js';
import { decodeEvent } from './decode-event.js';
import type { EventEnvelope } from './envelope.js';
import { isEventType } from './event-types.js';
import { fixtureFolderOf, goldenFixtures } from './test/golden-fixtures.js';
import { validateEnvelope } from './validate-envelope.js';

const fixtures = goldenFixtures();

describe('Golden fixtures', () => {
  it.each(Object.entries(CATALOGUE))(
    '%s has a fixture for every published version',
    (type, def) => {
      const versions = fixtures
        .filter((f) => f.folder === fixtureFolderOf(type))
        .map((f) => f.version);
      const published = Array.from({ length: def.currentVersion }, (_, index) => index + 1);
      expect(versions.sort((a, b) => a - b)).toEqual(published);
    },
  );

  describe.each(fixtures.map((f) => [`${f.folder}/v${f.version}`, f] as const))(
    '%s',
    (_, fixture) => {
      const raw = JSON.parse(fixture.bytes.toString('utf8')) as EventEnvelope;

      it('belongs to a catalogued event type and claims its own version', () => {
        expect(isEventType(raw.eventType)).toBe(true);
        expect(fixtureFolderOf(raw.eventType)).toBe(fixture.folder);
        expect(raw.schemaVersion).toBe(fixture.version);
      });

      it('decodes to the current version, keeping the envelope', () => {
        const result = decodeEvent(fixture.bytes);
        if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
        expect(result.originalVersion).toBe(fixture.version);
        const current = isEventType(raw.eventType) && CATALOGUE[raw.eventType].currentVersion;
        expect(result.envelope.schemaVersion).toBe(current);
        expect({ ...result.envelope, payload: null, schemaVersion: null }).toEqual({
          ...raw,
          payload: null,
          schemaVersion: null,
        });
      });

      it('passes the producer-side validation', () => {
        expect(() => validateEnvelope(raw)).not.toThrow();
      });
    },
  );
});
