package compute

import (
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// serverPlan is a validated create request: everything needed to make
// the server, checked before anything is changed, so that a rejected
// request leaves no trace.
type serverPlan struct {
	s     *Room
	tok   *core.Token
	v     microversion
	req   serverCreateRequest
	spec  *serverSpec
	srv   *server
	image *core.ImageInfo // image boot
	nets  []netSpec
	sgIDs []string
}

func (s *Room) createServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req serverCreateRequest
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	if req.Server == nil {
		badRequest("Invalid input for field/attribute body. 'server' is a required property").Write(w)
		return
	}
	if err := checkSchema(req.Server, v); err != nil {
		err.Write(w)
		return
	}
	nets, nerr := parseNetworks(req.Server.Networks, v)
	if nerr != nil {
		nerr.Write(w)
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	p := &serverPlan{s: s, tok: tok, v: v, req: req, spec: req.Server, nets: nets}
	err := p.run()
	if err == nil {
		err = s.startServerLocked(p)
	}
	if err != nil {
		if strings.HasPrefix(err.Message, "Quota exceeded") || err.Message == errPortQuota {
			w.Header().Set("Retry-After", "0") // as Nova answers an OverQuota
		}
		err.Write(w)
		return
	}
	s.writeCreated(w, p)
}

// run validates the request against the cloud's state, in Nova's order.
func (p *serverPlan) run() *apiError {
	p.srv = p.newServer()
	steps := []func() *apiError{
		p.flavor, p.bootSource, p.keypair, p.zone, p.securityGroups,
		p.autoNetwork, p.ports, p.group, p.diskRules, p.quota, p.assignDevices,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (p *serverPlan) newServer() *server {
	spec, t := p.spec, p.s.c.Now()
	srv := &server{
		ID: core.NewID(), Name: *spec.Name, ProjectID: p.tok.ProjectID, UserID: p.tok.UserID,
		Description: spec.Description, Metadata: maps.Clone(spec.Metadata), Tags: dedupeTags(spec.Tags),
		VMState: "building", TaskState: "scheduling", PowerState: powerNoState,
		AccessIPv4: spec.AccessIPv4, AccessIPv6: spec.AccessIPv6,
		DiskConfig: spec.DiskConfig, Created: t, Updated: t, RootDevice: "/dev/vda",
	}
	if srv.Metadata == nil {
		srv.Metadata = map[string]string{}
	}
	if srv.DiskConfig == "" {
		srv.DiskConfig = "MANUAL"
	}
	if spec.KeyName != nil {
		srv.KeyName = *spec.KeyName
	}
	if spec.UserData != nil {
		srv.UserData = *spec.UserData
	}
	srv.ConfigDrive, _ = spec.ConfigDrive.boolean()
	return srv
}

func (p *serverPlan) flavor() *apiError {
	f, ok := p.s.flavors[refID(p.spec.FlavorRef.str())]
	if !ok {
		return badRequest("Invalid flavorRef provided.")
	}
	p.srv.Flavor = *f
	p.srv.Flavor.ExtraSpecs = maps.Clone(f.ExtraSpecs)
	return nil
}

func (p *serverPlan) keypair() *apiError {
	if name := p.srv.KeyName; name != "" && !p.s.keypairExistsLocked(p.tok.UserID, name) {
		return badRequest("Invalid key_name provided.")
	}
	return nil
}

// zone takes the requested availability zone ("az" or "az:host"), or
// schedules into the first one.
func (p *serverPlan) zone() *apiError {
	az, _, _ := strings.Cut(p.spec.AvailabilityZone, ":")
	if az == "" {
		p.srv.AZ = p.s.azs[0]
		return nil
	}
	if !p.s.zoneExistsLocked(az) {
		return badRequest("The requested availability zone is not available")
	}
	p.srv.AZ = az
	return nil
}

func (p *serverPlan) securityGroups() *apiError {
	for _, sg := range p.spec.SecurityGroups {
		if sg.Name == "" || slices.Contains(p.srv.SecurityGroups, sg.Name) {
			continue
		}
		id, ok := p.s.network.SecurityGroupIDLocked(p.tok.ProjectID, sg.Name)
		if !ok {
			return badRequest("Security group %s is not found for project %s", sg.Name, p.tok.ProjectID)
		}
		p.srv.SecurityGroups = append(p.srv.SecurityGroups, sg.Name)
		p.sgIDs = append(p.sgIDs, id)
	}
	if len(p.srv.SecurityGroups) == 0 {
		p.srv.SecurityGroups = []string{"default"}
	}
	return nil
}

// autoNetwork picks the network for "networks": "auto" as Nova's
// _ports_needed_per_instance does: the one network available to the
// project. With several Nova will not guess (409); with none it would
// ask Neutron to auto-allocate a topology, which this cloud does not
// offer (400).
func (p *serverPlan) autoNetwork() *apiError {
	if len(p.nets) != 1 || p.nets[0].UUID != netAuto {
		return nil
	}
	ids := p.s.network.ProjectNetworksLocked(p.tok.ProjectID)
	switch len(ids) {
	case 0:
		return badRequest("Unable to automatically allocate a network for project %s", p.tok.ProjectID)
	case 1:
		p.nets[0].UUID = ids[0]
		return nil
	}
	return errorf(http.StatusConflict, "%s", "Multiple possible networks found, use a Network ID to be more specific.")
}

// ports checks the requested existing ports: they must be the project's
// and free. Networks are checked when their ports are created.
func (p *serverPlan) ports() *apiError {
	var seen []string
	for _, n := range p.nets {
		if n.Port == "" {
			continue
		}
		pi, ok := p.s.network.PortInfoLocked(p.tok.ProjectID, n.Port)
		if !ok {
			return badRequest("Port id %s could not be found.", n.Port)
		}
		if pi.DeviceID != "" || slices.Contains(seen, n.Port) {
			return errorf(http.StatusConflict, "Port %s is still in use.", n.Port)
		}
		seen = append(seen, n.Port)
	}
	return nil
}

func (p *serverPlan) group() *apiError {
	var id string
	for _, h := range []*schedulerHints{p.req.Hints, p.req.LegacyHints} {
		if h != nil && h.Group.set() {
			id = h.Group.str()
		}
	}
	if id == "" {
		return nil
	}
	if status, msg := p.s.checkGroupLocked(p.tok.ProjectID, id); status != 0 {
		return errorf(status, "%s", msg)
	}
	p.srv.Group = id
	return nil
}

const giB = 1 << 30

// diskRules are Nova's checks of an image boot against the flavor.
func (p *serverPlan) diskRules() *apiError {
	img, f := p.image, p.srv.Flavor
	if img == nil {
		return nil
	}
	switch {
	case f.RAMMiB < img.MinRAM:
		return badRequest("Flavor's memory is too small for requested image.")
	case f.DiskGB == 0:
		return errorf(http.StatusForbidden, "%s", "Only volume-backed servers are allowed for flavors with zero disk.")
	case int64(f.DiskGB)*giB < img.Size:
		return badRequest("Flavor's disk is too small for requested image. Flavor disk is %d bytes, image is %d bytes.", int64(f.DiskGB)*giB, img.Size)
	case f.DiskGB < img.MinDisk:
		return badRequest("Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is %d bytes, minimum size is %d bytes.",
			int64(f.DiskGB)*giB, int64(img.MinDisk)*giB)
	}
	return nil
}

// quota checks instances, cores and RAM, answering Nova's 403.
func (p *serverPlan) quota() *apiError {
	q := p.s.c.QuotaLocked(p.tok.ProjectID)
	instances, cores, ram := p.s.usageLocked(p.tok.ProjectID)
	var overs, req, used, allowed []string
	check := func(name string, want, have, limit int) {
		if have+want > limit {
			overs = append(overs, name)
			req = append(req, fmt.Sprint(want))
			used = append(used, fmt.Sprint(have))
			allowed = append(allowed, fmt.Sprint(limit))
		}
	}
	check("cores", p.srv.Flavor.VCPUs, cores, q.Cores)
	check("instances", 1, instances, q.Instances)
	check("ram", p.srv.Flavor.RAMMiB, ram, q.RAMMiB)
	if len(overs) == 0 {
		return nil
	}
	o := strings.Join(overs, ", ")
	return errorf(http.StatusForbidden, "Quota exceeded for %s: Requested %s, but already used %s of %s %s",
		o, strings.Join(req, ", "), strings.Join(used, ", "), strings.Join(allowed, ", "), o)
}

// assignDevices names the devices of data volumes that asked for none.
func (p *serverPlan) assignDevices() *apiError {
	for _, bv := range p.srv.Volumes {
		if bv.Device == "" {
			bv.Device = p.srv.nextDevice()
		}
	}
	return nil
}

// startServerLocked creates and binds the ports, joins the group and
// starts the asynchronous build.
func (s *Room) startServerLocked(p *serverPlan) *apiError {
	srv := p.srv
	if err := s.plugPortsLocked(srv, p.nets, p.sgIDs); err != nil {
		return err
	}
	if srv.Group != "" {
		g := s.groups[srv.Group]
		g.Members = append(g.Members, srv.ID)
	}
	s.seq++
	srv.seq = s.seq
	s.servers[srv.ID] = srv
	id := srv.ID
	s.c.Later(1, func() { s.buildLocked(id) })
	return nil
}

func (s *Room) writeCreated(w http.ResponseWriter, p *serverPlan) {
	srv := p.srv
	sgs := make([]map[string]string, 0, len(srv.SecurityGroups))
	for _, name := range srv.SecurityGroups {
		sgs = append(sgs, map[string]string{"name": name})
	}
	pass := p.spec.AdminPass
	if pass == "" {
		pass = newAdminPassword()
	}
	links := s.links("servers", srv.ID)
	w.Header().Set("Location", links[0]["href"])
	core.WriteJSON(w, http.StatusAccepted, map[string]any{"server": map[string]any{
		"id": srv.ID, "links": links, "OS-DCF:diskConfig": srv.DiskConfig,
		"security_groups": sgs, "adminPass": pass,
	}})
}

// newAdminPassword is a random 12-character password as Nova generates one.
func newAdminPassword() string {
	const chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}
