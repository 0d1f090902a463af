// One JSON line per gateway event on stdout (addresses, ids, byte counts, codes; never payload).
export type GatewayEvent = { event: string } & Record<string, string | number | boolean | undefined>;
export type GatewayEventLog = (event: GatewayEvent) => void;

export const stdoutEventLog: GatewayEventLog = (event) => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n');
};
