// The app's views. A new view (topology, stacks, logs…) is one entry here plus its folder under views/.
import type { ReactNode } from 'react';
import type { IconName } from '../ui/icons.tsx';
import { EventsView } from '../views/events/EventsView.tsx';
import { HostsView } from '../views/hosts/HostsView.tsx';
import { LogsView } from '../views/logs/LogsView.tsx';
import { StacksView } from '../views/stacks/StacksView.tsx';
import { TopologyView } from '../views/topology/TopologyView.tsx';
import { SecretsView } from '../views/secrets/SecretsView.tsx';
import { VolumesView } from '../views/volumes/VolumesView.tsx';
import { ConfigsView } from '../views/configs/ConfigsView.tsx';
import { ImagesView } from '../views/images/ImagesView.tsx';

export interface ViewDefinition {
  id: string;
  title: string;
  icon: IconName;
  render(): ReactNode;
}

export const VIEWS = [
  { id: 'topology', title: 'Topology', icon: 'network', render: () => <TopologyView /> },
  { id: 'hosts', title: 'Hosts', icon: 'server', render: () => <HostsView /> },
  { id: 'stacks', title: 'Stacks', icon: 'layers', render: () => <StacksView /> },
  { id: 'secrets', title: 'Secrets', icon: 'shield', render: () => <SecretsView /> },
  { id: 'configs', title: 'Configs', icon: 'file', render: () => <ConfigsView /> },
  { id: 'volumes', title: 'Volumes', icon: 'layers', render: () => <VolumesView /> },
  { id: 'images', title: 'Images', icon: 'copy', render: () => <ImagesView /> },
  { id: 'logs', title: 'Logs', icon: 'terminal', render: () => <LogsView /> },
  { id: 'events', title: 'Events', icon: 'activity', render: () => <EventsView /> },
] as const satisfies readonly ViewDefinition[];

export type ViewId = (typeof VIEWS)[number]['id'];

export const DEFAULT_VIEW: ViewId = 'topology';

export function findView(id: string): ViewDefinition | undefined {
  return VIEWS.find((view) => view.id === id);
}
