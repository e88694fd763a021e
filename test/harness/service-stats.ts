// Reads and resets an example service's request counters (GET /__stats, POST /__stats/reset): the REST
// calls a gateway made, counted at the source.
export interface Stats {
  total: number;
  routes: Record<string, number>;
}

export async function statsOf(serviceUrl: string): Promise<Stats> {
  const res = await fetch(`${serviceUrl}/__stats`);
  return (await res.json()) as Stats;
}

export async function resetStats(...serviceUrls: string[]): Promise<void> {
  await Promise.all(serviceUrls.map((url) => fetch(`${url}/__stats/reset`, { method: 'POST' })));
}
