export const seconds = (value: number | null): string =>
  value === null ? '—' : value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;

export const perSecond = (value: number | null): string =>
  value === null ? '—' : value < 10 ? value.toFixed(1) : value.toFixed(0);

export const hostOf = (url: string): string => url.replace(/^https?:\/\//, '');
