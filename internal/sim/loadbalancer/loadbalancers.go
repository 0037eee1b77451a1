package loadbalancer

import (
	"errors"
	"net/http"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// loadBalancer is an Octavia load balancer.
type loadBalancer struct {
	object
	VIP      core.VIPPort
	Provider string
	QoS      string
}

func (s *Room) document(lb *loadBalancer) map[string]any {
	var listeners, pools []string
	for _, l := range s.lbListeners(lb.ID) {
		listeners = append(listeners, l.ID)
	}
	for _, p := range s.lbPools(lb.ID) {
		pools = append(pools, p.ID)
	}
	return lb.fill(map[string]any{
		"vip_address":       lb.VIP.Address,
		"vip_port_id":       lb.VIP.PortID,
		"vip_subnet_id":     lb.VIP.SubnetID,
		"vip_network_id":    lb.VIP.NetworkID,
		"vip_qos_policy_id": core.StrOrNil(lb.QoS),
		"provider":          lb.Provider,
		"flavor_id":         nil,
		"availability_zone": nil,
		"listeners":         idRefs(listeners),
		"pools":             idRefs(pools),
	})
}

// findLB returns a load balancer of the caller; another project's is
// forbidden, as Octavia's policy answers.
func (s *Room) findLB(q *request, id string) (*loadBalancer, error) {
	lb := s.lbs[id]
	switch {
	case lb == nil:
		return nil, notFound("Load Balancer", id)
	case lb.ProjectID != q.Project():
		return nil, forbiddenError()
	}
	return lb, nil
}

func (s *Room) listLBs(q *request) (int, any, error) {
	var docs []document
	for _, lb := range s.lbs {
		if lb.ProjectID == q.Project() {
			docs = append(docs, document{doc: s.document(lb)})
		}
	}
	return q.list(s.c.URL(), "loadbalancers", docs)
}

func (s *Room) getLB(q *request) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"loadbalancer": s.document(lb)}, nil
}

// createBody is POST /loadbalancers.
type createBody struct {
	Name             *string   `json:"name"`
	Description      *string   `json:"description"`
	AdminStateUp     *bool     `json:"admin_state_up"`
	VipSubnetID      string    `json:"vip_subnet_id"`
	VipNetworkID     string    `json:"vip_network_id"`
	VipPortID        string    `json:"vip_port_id"`
	VipAddress       string    `json:"vip_address"`
	VipQosPolicyID   string    `json:"vip_qos_policy_id"`
	ProjectID        *string   `json:"project_id"`
	TenantID         *string   `json:"tenant_id"`
	FlavorID         string    `json:"flavor_id"`
	AvailabilityZone string    `json:"availability_zone"`
	Provider         string    `json:"provider"`
	Tags             *[]string `json:"tags"`
}

func (s *Room) createLB(q *request) (int, any, error) {
	var b createBody
	if err := q.decode("loadbalancer", &b); err != nil {
		return 0, nil, err
	}
	if err := q.checkProject(b.ProjectID); err != nil {
		return 0, nil, err
	}
	if err := q.checkProject(b.TenantID); err != nil {
		return 0, nil, err
	}
	lb, err := s.newLB(q, b)
	if err != nil {
		return 0, nil, err
	}
	vip, err := s.network.VIPPortLocked(q.Project(), lb.ID, core.VIPRequest{SubnetID: b.VipSubnetID,
		NetworkID: b.VipNetworkID, PortID: b.VipPortID, Address: b.VipAddress})
	if err != nil {
		return 0, nil, vipError(err)
	}
	lb.VIP = vip
	s.lbs[lb.ID] = lb
	id := lb.ID
	s.c.Later(3, func() { s.settleLocked(id) })
	return http.StatusCreated, map[string]any{"loadbalancer": s.document(lb)}, nil
}

// newLB validates a create body into a load balancer not stored yet.
func (s *Room) newLB(q *request, b createBody) (*loadBalancer, error) {
	if b.VipSubnetID == "" && b.VipNetworkID == "" && b.VipPortID == "" {
		return nil, errorf(http.StatusBadRequest, "Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.")
	}
	provider := b.Provider
	switch provider {
	case "":
		provider = "amphora"
	case "amphora", "octavia":
	default:
		return nil, errorf(http.StatusBadRequest, "Provider '%s' is not enabled.", provider)
	}
	if b.FlavorID != "" {
		return nil, validation("Invalid flavor_id.")
	}
	if b.AvailabilityZone != "" {
		return nil, validation("Invalid availability zone.")
	}
	if limit := s.c.QuotaLocked(q.Project()).LoadBalancers; limit >= 0 && s.countLBs(q.Project()) >= limit {
		return nil, errorf(http.StatusForbidden, "Quota has been met for resources: Load Balancer")
	}
	lb := &loadBalancer{object: newObject(q.Project(), s.c.Now()), Provider: provider, QoS: b.VipQosPolicyID}
	lb.apply(b.Name, b.Description, b.AdminStateUp, b.Tags)
	return lb, nil
}

func (s *Room) countLBs(projectID string) int {
	n := 0
	for _, lb := range s.lbs {
		if lb.ProjectID == projectID {
			n++
		}
	}
	return n
}

// vipError is Octavia's answer when Neutron refuses the VIP.
func vipError(err error) error {
	var ne *core.APIError
	if !errors.As(err, &ne) {
		return err
	}
	switch ne.Type {
	case "NetworkNotFound":
		return errorf(http.StatusBadRequest, "Network %s not found.", messageID(ne))
	case "SubnetNotFound":
		return errorf(http.StatusBadRequest, "Subnet %s not found.", messageID(ne))
	case "PortNotFound":
		return errorf(http.StatusBadRequest, "Port %s not found.", messageID(ne))
	case "OverQuota":
		return errorf(http.StatusForbidden, "Quota has been met for resources: Port")
	}
	return validation("%s", ne.Message)
}

// messageID is the ID in a "<Kind> <id> could not be found." message.
func messageID(ne *core.APIError) string {
	if f := strings.Fields(ne.Message); len(f) > 1 {
		return f[1]
	}
	return ""
}

// updateBody is PUT /loadbalancers/{id}.
type updateBody struct {
	Name           *string   `json:"name"`
	Description    *string   `json:"description"`
	AdminStateUp   *bool     `json:"admin_state_up"`
	VipQosPolicyID *string   `json:"vip_qos_policy_id"`
	Tags           *[]string `json:"tags"`
}

func (s *Room) updateLB(q *request) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	var b updateBody
	if err := q.decode("loadbalancer", &b); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb); err != nil {
		return 0, nil, err
	}
	lb.apply(b.Name, b.Description, b.AdminStateUp, b.Tags)
	if b.VipQosPolicyID != nil {
		lb.QoS = *b.VipQosPolicyID
	}
	lb.Updated = s.c.Now()
	return http.StatusOK, map[string]any{"loadbalancer": s.document(lb)}, nil
}

func (s *Room) deleteLB(q *request) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	if lb.Prov != statusActive && lb.Prov != "ERROR" {
		return 0, nil, immutable(lb.ID)
	}
	listeners, pools := s.lbListeners(lb.ID), s.lbPools(lb.ID)
	cascade := q.Query.Get("cascade") == "true" || q.Query.Get("cascade") == "True"
	if !cascade && (len(listeners) > 0 || len(pools) > 0) {
		return 0, nil, validation("Cannot delete Load Balancer %s - it has children", lb.ID)
	}
	lb.Prov = statusPendingDelete
	for _, l := range listeners {
		l.Prov = statusPendingDelete
	}
	for _, p := range pools {
		s.markPoolDeleted(p)
	}
	id := lb.ID
	s.c.Later(2, func() { s.settleLocked(id) })
	return http.StatusNoContent, nil, nil
}

// markPoolDeleted puts a pool and what hangs on it into PENDING_DELETE.
func (s *Room) markPoolDeleted(p *pool) {
	p.Prov = statusPendingDelete
	for _, m := range s.poolMembers(p.ID) {
		m.Prov = statusPendingDelete
	}
	if hm := s.poolMonitor(p.ID); hm != nil {
		hm.Prov = statusPendingDelete
	}
}
