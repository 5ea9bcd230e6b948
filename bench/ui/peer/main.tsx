// The benchmark's peer: the same cluster drawn the way most topology UIs are built, with React
// Flow: each host a group node, each replica a child node, each service a node with an edge to
// every replica. Same transport and same refetch-on-event rule as Baton's renderer, so the
// difference measured is the drawing.
import { Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './peer.css';
import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ClusterSnapshot } from '../../../shared/api.ts';
import { WsClient } from '../../../renderer/src/api/ws-client.ts';

const query = new URLSearchParams(window.location.search);
const api = new WsClient({ url: query.get('ws')!, token: query.get('token')! });

const COLUMNS = 10;
const HOST_W = 128;
const HOST_H = 150;
const CHIP = 14;

function HostNode({ data }: NodeProps) {
  return <div data-peer-host={data['name'] as string} style={{ width: HOST_W, height: HOST_H, border: '1px solid #d4d4d8', borderRadius: 6, font: '10px sans-serif', padding: 2 }}>{data['name'] as string}</div>;
}

function ReplicaNode({ data }: NodeProps) {
  const health = data['health'] as string;
  return (
    <div data-replica={data['name'] as string} data-health={health} style={{ width: CHIP - 2, height: CHIP - 2, borderRadius: 3, background: health === 'healthy' ? '#10b981' : '#ef4444' }}>
      <Handle type="target" position={Position.Top} />
    </div>
  );
}

function ServiceNode({ data }: NodeProps) {
  return (
    <div data-peer-service={data['ref'] as string} style={{ width: 110, padding: 4, border: '1px solid #6366f1', borderRadius: 6, font: '11px sans-serif', background: 'white' }}>
      {data['ref'] as string}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { host: HostNode, replica: ReplicaNode, service: ServiceNode };

function layout(cluster: ClusterSnapshot): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  cluster.services.forEach((s, i) => nodes.push({ id: `s:${s.stack}/${s.name}`, type: 'service', position: { x: 0, y: i * 40 }, data: { ref: `${s.stack}/${s.name}` } }));
  const perHost = new Map<string, number>();
  cluster.hosts.forEach((h, i) => {
    nodes.push({ id: `h:${h.name}`, type: 'host', position: { x: 160 + (i % COLUMNS) * (HOST_W + 12), y: Math.floor(i / COLUMNS) * (HOST_H + 12) }, data: { name: h.name }, style: { width: HOST_W, height: HOST_H } });
  });
  for (const r of cluster.replicas) {
    const k = perHost.get(r.host) ?? 0;
    perHost.set(r.host, k + 1);
    nodes.push({ id: `r:${r.name}`, type: 'replica', parentId: `h:${r.host}`, extent: 'parent', position: { x: 4 + (k % 8) * CHIP, y: 16 + Math.floor(k / 8) * CHIP }, data: { name: r.name, health: r.health } });
    edges.push({ id: `e:${r.name}`, source: `s:${r.stack}/${r.service}`, target: `r:${r.name}` });
  }
  return { nodes, edges };
}

function App() {
  const [cluster, setCluster] = useState<ClusterSnapshot | null>(null);
  const [moved, setMoved] = useState<Record<string, { x: number; y: number }>>({});
  useEffect(() => {
    let fetching = false;
    let again = false;
    const refresh = async (): Promise<void> => {
      if (fetching) {
        again = true;
        return;
      }
      fetching = true;
      do {
        again = false;
        setCluster(await api.call('cluster.snapshot', {}));
      } while (again);
      fetching = false;
    };
    void refresh();
    return api.subscribe(() => void refresh());
  }, []);
  const base = useMemo(() => (cluster ? layout(cluster) : { nodes: [], edges: [] }), [cluster]);
  const nodes = useMemo(() => base.nodes.map((n) => (moved[n.id] ? { ...n, position: moved[n.id]! } : n)), [base, moved]);
  return (
    <ReactFlow
      nodes={nodes}
      edges={base.edges}
      nodeTypes={nodeTypes}
      fitView
      minZoom={0.1}
      onlyRenderVisibleElements={false}
      onNodesChange={(changes) => {
        const next: Record<string, { x: number; y: number }> = {};
        for (const c of changes) if (c.type === 'position' && c.position) next[c.id] = c.position;
        if (Object.keys(next).length) setMoved((m) => ({ ...m, ...next }));
      }}
      onNodeDragStart={() => {
        document.body.dataset['dragging'] = 'yes';
      }}
      onNodeDragStop={(_e, node) => {
        // a drop on a host scales the service there, as in Baton
        const ref = node.data['ref'] as string | undefined;
        if (ref) void api.call('service.scale', { targets: [{ service: ref, replicas: 1 }] });
      }}
    />
  );
}

createRoot(document.getElementById('root')!).render(<App />);
