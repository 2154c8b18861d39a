import { format, resolveConfig } from 'prettier';

/** `text` as `prettier --write` would leave it at `filePath`, so `npm run lint` stays green. */
export async function prettierFormatted(text: string, filePath: string): Promise<string> {
  const options = (await resolveConfig(filePath)) ?? {};
  return format(text, { ...options, filepath: filePath });
}
