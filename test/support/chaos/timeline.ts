/** Seconds since the scenario began at which each step happened (reported with the counts). */
export function timeline(): { mark: (step: string) => void; marks: Record<string, number> } {
  const began = Date.now();
  const marks: Record<string, number> = {};
  return {
    mark: (step) => {
      marks[step] = Math.round((Date.now() - began) / 100) / 10;
    },
    marks,
  };
}
