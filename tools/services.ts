// The service entry points live with the launcher; re-exported here for tools and checks.
export { SERVICES, type ServiceSpec } from '@app/devstack';
