import { Outlet } from 'react-router';

export default function ProjectPage() {
  return <Outlet />;
}
