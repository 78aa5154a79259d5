/**
 * Free TCP ports on the loopback interface for the control plane's listeners.
 *
 * Ports are drawn at random from below the kernel's ephemeral range (Linux:
 * `/proc/sys/net/ipv4/ip_local_port_range`, usually 32768-60999) rather than asking the kernel for
 * port 0: a port the kernel hands out for `listen(0)` is also what it hands to the next outgoing
 * connection or to a concurrent harness in another process, which then clash with the listener that
 * was meant to get it. The callers still retry on "address already in use" (control-plane.ts).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port handed out. */
const LOWEST = 10_000;

/** First port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > LOWEST + 1000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/** True when `port` can be bound on 127.0.0.1 right now (it is released again before returning). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Returns `count` distinct ports between 10000 and the start of the ephemeral range that were free on
 * 127.0.0.1 a moment ago. Another process may still take one before the caller binds it.
 *
 * @throws Error when no free port is found in 200 random tries per port.
 */
export async function freePorts(count: number): Promise<number[]> {
  const high = ephemeralStart();
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    let found: number | undefined;
    for (let tries = 0; tries < 200 && found === undefined; tries++) {
      const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
      if (!ports.includes(port) && (await bindable(port))) found = port;
    }
    if (found === undefined) throw new Error(`no free port between ${LOWEST} and ${high - 1} on 127.0.0.1`);
    ports.push(found);
  }
  return ports;
}
