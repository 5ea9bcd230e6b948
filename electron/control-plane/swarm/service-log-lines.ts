// A Swarm service's log lines, pure. Asked with details=1, the engine puts the line's attributes
// before its text: "com.docker.swarm.node.id=N,com.docker.swarm.service.id=S,com.docker.swarm.task.id=T text"
// (keys and values query-escaped, joined by ","), after the stamp. Here that prefix is taken off and
// the task and node it names become the line's replica (<service>.<slot>, as docker service ps
// names a task) and host.
import type { LogLine } from '../../../shared/api.ts';
import type { DecodedLine } from '../logs/docker-log-decoder.ts';

export interface LineNames {
  /** Task ID → "<service>.<slot>". */
  tasks: ReadonlyMap<string, string>;
  /** Node ID → hostname. */
  nodes: ReadonlyMap<string, string>;
  /** The Swarm service's name: for a task not known yet, "<service>.<task id's first 12>". */
  service: string;
}

const unescape = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** The attributes before a line's text, and the text; a line without them has none. */
export function splitDetails(text: string): { attrs: Record<string, string>; text: string } {
  const space = text.indexOf(' ');
  const head = space < 0 ? text : text.slice(0, space);
  if (!head.includes('com.docker.swarm.')) return { attrs: {}, text };
  const attrs: Record<string, string> = {};
  for (const pair of head.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) attrs[unescape(pair.slice(0, eq))] = unescape(pair.slice(eq + 1));
  }
  return { attrs, text: space < 0 ? '' : text.slice(space + 1) };
}

export function serviceLogLine(line: DecodedLine, names: LineNames): LogLine {
  const { attrs, text } = splitDetails(line.text);
  const task = attrs['com.docker.swarm.task.id'] ?? '';
  const node = attrs['com.docker.swarm.node.id'] ?? '';
  return {
    replica: names.tasks.get(task) ?? (task === '' ? names.service : `${names.service}.${task.slice(0, 12)}`),
    host: names.nodes.get(node) ?? node,
    stream: line.stream,
    time: line.time,
    text,
  };
}
