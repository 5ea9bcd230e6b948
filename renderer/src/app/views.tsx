// The app's views. A new view (topology, stacks, logs…) is one entry here plus its folder under views/.
import type { ReactNode } from 'react';
import type { IconName } from '../ui/icons.tsx';
import { EventsView } from '../views/events/EventsView.tsx';
import { HostsView } from '../views/hosts/HostsView.tsx';

export interface ViewDefinition {
  id: string;
  title: string;
  icon: IconName;
  render(): ReactNode;
}

export const VIEWS = [
  { id: 'hosts', title: 'Hosts', icon: 'server', render: () => <HostsView /> },
  { id: 'events', title: 'Events', icon: 'activity', render: () => <EventsView /> },
] as const satisfies readonly ViewDefinition[];

export type ViewId = (typeof VIEWS)[number]['id'];

export const DEFAULT_VIEW: ViewId = 'hosts';

export function findView(id: string): ViewDefinition | undefined {
  return VIEWS.find((view) => view.id === id);
}
