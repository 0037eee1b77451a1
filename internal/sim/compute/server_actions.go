package compute

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// serverAction handles one action of POST /servers/{id}/action, under
// the lock; body is the action's value.
type serverAction func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion, srv *server, body json.RawMessage)

func (s *Room) routeServerActions(mux *http.ServeMux) {
	s.handle(mux, "POST", "/servers/{id}/action", s.serverAction)
}

func (s *Room) actions() map[string]serverAction {
	return map[string]serverAction{
		"os-stop":     s.stopServer,
		"os-start":    s.startServer,
		"reboot":      s.rebootServer,
		"createImage": s.createImage,
		"lock":        s.lockServer(true),
		"unlock":      s.lockServer(false),
	}
}

func (s *Room) serverAction(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req map[string]json.RawMessage
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	if len(req) != 1 {
		badRequest("Malformed request body").Write(w)
		return
	}
	var name string
	var body json.RawMessage
	for name, body = range req {
	}
	act, ok := s.actions()[name]
	if !ok {
		badRequest("There is no such action: %s", name).Write(w)
		return
	}
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		act(w, r, tok, v, srv, body)
	})
}

// transition sets a task state now and, a moment later, the state the
// task ends in, if the server is still there and still in that task.
func (s *Room) transition(srv *server, task, vmState string, power int) {
	srv.TaskState = task
	srv.touch(s.c.Now())
	id := srv.ID
	s.c.Later(1, func() {
		srv := s.servers[id]
		if srv == nil || srv.TaskState != task {
			return
		}
		srv.VMState, srv.TaskState, srv.PowerState = vmState, "", power
		srv.touch(s.c.Now())
	})
}

func (s *Room) stopServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion, srv *server, _ json.RawMessage) {
	if checkServerState(w, srv, "stop", true, "active", "error") {
		s.transition(srv, "powering-off", "stopped", powerShutdown)
		w.WriteHeader(http.StatusAccepted)
	}
}

func (s *Room) startServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion, srv *server, _ json.RawMessage) {
	if checkServerState(w, srv, "start", true, "stopped") {
		s.transition(srv, "powering-on", "active", powerRunning)
		w.WriteHeader(http.StatusAccepted)
	}
}

// rebootServer reboots: SOFT from ACTIVE, HARD also from SHUTOFF and
// ERROR (which leaves the server ACTIVE).
func (s *Room) rebootServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion, srv *server, body json.RawMessage) {
	var req struct {
		Type string `json:"type"`
	}
	json.Unmarshal(body, &req)
	typ := strings.ToUpper(req.Type)
	if typ != "SOFT" && typ != "HARD" {
		badRequest("Invalid input for field/attribute type. Value: %s. '%s' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']", req.Type, req.Type).Write(w)
		return
	}
	states, task := []string{"active"}, "rebooting"
	if typ == "HARD" {
		states, task = []string{"active", "stopped", "paused", "suspended", "error"}, "rebooting_hard"
	}
	if checkServerState(w, srv, "reboot", true, states...) {
		s.transition(srv, task, "active", powerRunning)
		w.WriteHeader(http.StatusAccepted)
	}
}

// lockServer locks or unlocks a server; a locked server refuses
// delete, stop, start and reboot.
func (s *Room) lockServer(lock bool) serverAction {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion, srv *server, _ json.RawMessage) {
		srv.Locked = lock
		srv.touch(s.c.Now())
		w.WriteHeader(http.StatusAccepted)
	}
}

// writeImageCreated answers createImage: the image ID in the body from
// 2.45, in the Location header before.
func (s *Room) writeImageCreated(w http.ResponseWriter, v microversion, imageID string) {
	if v >= 45 {
		core.WriteJSON(w, http.StatusAccepted, map[string]string{"image_id": imageID})
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%s%s/images/%s", s.c.URL(), basePath, imageID))
	w.WriteHeader(http.StatusAccepted)
}
