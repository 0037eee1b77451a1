package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// runStopServer stops a source server for a cold cutover, so that its
// disks are copied at rest. The journal records the stop before it is
// made, so that --restart-source and rollback restart exactly the
// servers the plan stopped. A server that was already stopped is left
// alone and is not restarted later.
func runStopServer(ctx context.Context, sc *StepContext) (Outcome, error) {
	srv, err := lookup(sc.inv.servers, "server", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	s, err := servers.Get(ctx, sc.Source.Compute, srv.ID).Extract()
	if err != nil {
		return Outcome{}, cloud.Wrap("get source server "+srv.Name, err)
	}
	stoppedByPlan := false
	for _, st := range sc.Journal.StoppedServers() {
		stoppedByPlan = stoppedByPlan || st.ServerID == srv.ID
	}
	switch {
	case s.Status == "SHUTOFF" && !stoppedByPlan:
		sc.Note("the source server was already stopped")
		return Outcome{TargetID: srv.ID}, nil
	case s.Status == "SHUTOFF":
		return Outcome{TargetID: srv.ID, Adopted: true}, nil
	case s.Status != "ACTIVE":
		return Outcome{}, fmt.Errorf("the source server %q is %s; a cold cutover needs it ACTIVE or SHUTOFF", srv.Name, s.Status)
	}
	if err := sc.Journal.AddStopped(Stopped{ServerID: srv.ID, Name: srv.Name, StoppedAt: time.Now().UTC()}); err != nil {
		return Outcome{}, err
	}
	if err := stopServer(ctx, sc.Source, srv.ID, sc.poll); err != nil {
		return Outcome{}, err
	}
	return Outcome{TargetID: srv.ID}, nil
}

// stopServer stops a server and waits until it is SHUTOFF.
func stopServer(ctx context.Context, s *cloud.Session, id string, poll cloud.Poll) error {
	return powerServer(ctx, s, id, poll, "SHUTOFF", func(ctx context.Context) error {
		return servers.Stop(ctx, s.Compute, id).ExtractErr()
	})
}

// startServer starts a server and waits until it is ACTIVE.
func startServer(ctx context.Context, s *cloud.Session, id string, poll cloud.Poll) error {
	return powerServer(ctx, s, id, poll, "ACTIVE", func(ctx context.Context) error {
		return servers.Start(ctx, s.Compute, id).ExtractErr()
	})
}

func powerServer(ctx context.Context, s *cloud.Session, id string, poll cloud.Poll, want string, act func(context.Context) error) error {
	srv, err := servers.Get(ctx, s.Compute, id).Extract()
	if err != nil {
		return cloud.Wrap("get server "+id, err)
	}
	if srv.Status != want {
		// 409: the server is already changing state; the wait tells.
		if err := act(ctx); err != nil && cloud.StatusOf(err) != 409 {
			return cloud.Wrap("change power state of server "+id, err)
		}
	}
	return cloud.WaitFor(ctx, poll, cloud.Server, id, cloud.ServerStatus(s.Compute, id, nil), want)
}

// deleteServer deletes a server and waits until it is gone, so that its
// ports and volumes are free again.
func deleteServer(ctx context.Context, s *cloud.Session, id string, poll cloud.Poll) error {
	if err := servers.Delete(ctx, s.Compute, id).ExtractErr(); err != nil {
		if cloud.IsNotFound(err) {
			return nil
		}
		return cloud.Wrap("delete server "+id, err)
	}
	return cloud.WaitGone(ctx, poll, cloud.Server, id, cloud.ServerStatus(s.Compute, id, nil))
}

// restartSource starts the source servers the plan stopped and has not
// restarted yet; it returns their names.
func restartSource(ctx context.Context, src *cloud.Session, j *Journal, poll cloud.Poll) ([]string, error) {
	var names []string
	var errs []error
	for _, st := range j.StoppedServers() {
		if st.Restarted {
			continue
		}
		err := startServer(ctx, src, st.ServerID, poll)
		if cloud.IsNotFound(err) {
			err = nil
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("restart source server %q: %w", st.Name, err))
			continue
		}
		st.Restarted, st.RestartedAt = true, time.Now().UTC()
		if err := j.AddStopped(st); err != nil {
			return names, err
		}
		names = append(names, st.Name)
	}
	return names, errors.Join(errs...)
}
