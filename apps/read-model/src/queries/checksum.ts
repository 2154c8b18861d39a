import type { DataSource } from 'typeorm';

/**
 * A deterministic checksum of the view tables: rows in key order, every column as text.
 * Equal checksums mean equal views, whichever way (live or replayed) they were built.
 */
export async function viewsChecksum(
  dataSource: DataSource,
  schema = 'public',
): Promise<{ checksum: string; orders: number }> {
  const [row] = await dataSource.query<{ checksum: string; orders: number }[]>(`
    SELECT md5(
      coalesce((SELECT string_agg(v::text, '|' ORDER BY v.order_id) FROM "${schema}".order_views v), '') || '#' ||
      coalesce((SELECT string_agg(s::text, '|' ORDER BY s.customer_id) FROM "${schema}".customer_summaries s), '') || '#' ||
      coalesce((SELECT string_agg(a::text, '|' ORDER BY a.customer_id, a.currency) FROM "${schema}".customer_amounts a), '')
    ) AS checksum,
    (SELECT count(*) FROM "${schema}".order_views WHERE status IS NOT NULL)::int AS orders`);
  return row!;
}
