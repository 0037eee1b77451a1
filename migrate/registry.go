package migrate

import "github.com/scs-migrate/scs-migrate/plans"

// DefaultRegistry holds the executors of every OpenStack step kind, in
// one place. Cluster and Velero steps need the KaaS management clusters:
// Kube.Register adds them; without it a plan holding them does not start
// (see buildGraph).
func DefaultRegistry() Registry {
	return Registry{
		plans.StepStopServer:         ExecutorFunc(runStopServer),
		plans.StepNetwork:            ExecutorFunc(runNetwork),
		plans.StepSubnet:             ExecutorFunc(runSubnet),
		plans.StepRouter:             ExecutorFunc(runRouter),
		plans.StepRouterInterface:    ExecutorFunc(runRouterInterface),
		plans.StepRouterRoutes:       ExecutorFunc(runRouterRoutes),
		plans.StepSecurityGroup:      ExecutorFunc(runSecurityGroup),
		plans.StepSecurityGroupRules: ExecutorFunc(runSecurityGroupRules),
		plans.StepKeypair:            ExecutorFunc(runKeypair),
		plans.StepServerGroup:        ExecutorFunc(runServerGroup),
		plans.StepCopyImage:          ExecutorFunc(runCopyImage),
		plans.StepSnapshotServer:     ExecutorFunc(runSnapshotServer),
		plans.StepCopyVolume:         ExecutorFunc(runCopyVolume),
		plans.StepPort:               ExecutorFunc(runPort),
		plans.StepServer:             ExecutorFunc(runServer),
		plans.StepAttachVolume:       ExecutorFunc(runAttachVolume),
		plans.StepFloatingIP:         ExecutorFunc(runFloatingIP),
		plans.StepLoadBalancer:       ExecutorFunc(runLoadBalancer),
		plans.StepCopyBucket:         ExecutorFunc(runCopyBucket),
	}
}
