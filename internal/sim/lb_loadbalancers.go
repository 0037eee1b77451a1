package sim

import (
	"errors"
	"net/http"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// lbLoadBalancer is an Octavia load balancer.
type lbLoadBalancer struct {
	lbObject
	VIP      core.VIPPort
	Provider string
	QoS      string
}

func (s *loadBalancerService) lbDoc(lb *lbLoadBalancer) map[string]any {
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
func (s *loadBalancerService) findLB(q *lbReq, id string) (*lbLoadBalancer, error) {
	lb := s.lbs[id]
	switch {
	case lb == nil:
		return nil, lbNotFound("Load Balancer", id)
	case lb.ProjectID != q.project():
		return nil, lbForbidden()
	}
	return lb, nil
}

func (s *loadBalancerService) listLBs(q *lbReq) (int, any, error) {
	var docs []lbDoc
	for _, lb := range s.lbs {
		if lb.ProjectID == q.project() {
			docs = append(docs, lbDoc{doc: s.lbDoc(lb)})
		}
	}
	return q.list(s.c.URL(), "loadbalancers", docs)
}

func (s *loadBalancerService) getLB(q *lbReq) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"loadbalancer": s.lbDoc(lb)}, nil
}

// lbCreateBody is POST /loadbalancers.
type lbCreateBody struct {
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

func (s *loadBalancerService) createLB(q *lbReq) (int, any, error) {
	var b lbCreateBody
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
	vip, err := s.c.network.VIPPortLocked(q.project(), lb.ID, core.VIPRequest{SubnetID: b.VipSubnetID,
		NetworkID: b.VipNetworkID, PortID: b.VipPortID, Address: b.VipAddress})
	if err != nil {
		return 0, nil, lbVIPError(err)
	}
	lb.VIP = vip
	s.lbs[lb.ID] = lb
	id := lb.ID
	s.c.Later(3, func() { s.settleLocked(id) })
	return http.StatusCreated, map[string]any{"loadbalancer": s.lbDoc(lb)}, nil
}

// newLB validates a create body into a load balancer not stored yet.
func (s *loadBalancerService) newLB(q *lbReq, b lbCreateBody) (*lbLoadBalancer, error) {
	if b.VipSubnetID == "" && b.VipNetworkID == "" && b.VipPortID == "" {
		return nil, lbErr(http.StatusBadRequest, "Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.")
	}
	provider := b.Provider
	switch provider {
	case "":
		provider = "amphora"
	case "amphora", "octavia":
	default:
		return nil, lbErr(http.StatusBadRequest, "Provider '%s' is not enabled.", provider)
	}
	if b.FlavorID != "" {
		return nil, lbValidation("Invalid flavor_id.")
	}
	if b.AvailabilityZone != "" {
		return nil, lbValidation("Invalid availability zone.")
	}
	if limit := s.c.QuotaLocked(q.project()).LoadBalancers; limit >= 0 && s.countLBs(q.project()) >= limit {
		return nil, lbErr(http.StatusForbidden, "Quota has been met for resources: Load Balancer")
	}
	lb := &lbLoadBalancer{lbObject: newLBObject(q.project(), s.c.Now()), Provider: provider, QoS: b.VipQosPolicyID}
	lb.apply(b.Name, b.Description, b.AdminStateUp, b.Tags)
	return lb, nil
}

func (s *loadBalancerService) countLBs(projectID string) int {
	n := 0
	for _, lb := range s.lbs {
		if lb.ProjectID == projectID {
			n++
		}
	}
	return n
}

// lbVIPError is Octavia's answer when Neutron refuses the VIP.
func lbVIPError(err error) error {
	var ne *core.APIError
	if !errors.As(err, &ne) {
		return err
	}
	switch ne.Type {
	case "NetworkNotFound":
		return lbErr(http.StatusBadRequest, "Network %s not found.", nMessageID(ne))
	case "SubnetNotFound":
		return lbErr(http.StatusBadRequest, "Subnet %s not found.", nMessageID(ne))
	case "PortNotFound":
		return lbErr(http.StatusBadRequest, "Port %s not found.", nMessageID(ne))
	case "OverQuota":
		return lbErr(http.StatusForbidden, "Quota has been met for resources: Port")
	}
	return lbValidation("%s", ne.Message)
}

// nMessageID is the ID in a "<Kind> <id> could not be found." message.
func nMessageID(ne *core.APIError) string {
	if f := strings.Fields(ne.Message); len(f) > 1 {
		return f[1]
	}
	return ""
}

// lbUpdateBody is PUT /loadbalancers/{id}.
type lbUpdateBody struct {
	Name           *string   `json:"name"`
	Description    *string   `json:"description"`
	AdminStateUp   *bool     `json:"admin_state_up"`
	VipQosPolicyID *string   `json:"vip_qos_policy_id"`
	Tags           *[]string `json:"tags"`
}

func (s *loadBalancerService) updateLB(q *lbReq) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	var b lbUpdateBody
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
	return http.StatusOK, map[string]any{"loadbalancer": s.lbDoc(lb)}, nil
}

func (s *loadBalancerService) deleteLB(q *lbReq) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	if lb.Prov != lbActive && lb.Prov != "ERROR" {
		return 0, nil, lbImmutable(lb.ID)
	}
	listeners, pools := s.lbListeners(lb.ID), s.lbPools(lb.ID)
	cascade := q.query.Get("cascade") == "true" || q.query.Get("cascade") == "True"
	if !cascade && (len(listeners) > 0 || len(pools) > 0) {
		return 0, nil, lbValidation("Cannot delete Load Balancer %s - it has children", lb.ID)
	}
	lb.Prov = lbPendingDelete
	for _, l := range listeners {
		l.Prov = lbPendingDelete
	}
	for _, p := range pools {
		s.markPoolDeleted(p)
	}
	id := lb.ID
	s.c.Later(2, func() { s.settleLocked(id) })
	return http.StatusNoContent, nil, nil
}

// markPoolDeleted puts a pool and what hangs on it into PENDING_DELETE.
func (s *loadBalancerService) markPoolDeleted(p *lbPool) {
	p.Prov = lbPendingDelete
	for _, m := range s.poolMembers(p.ID) {
		m.Prov = lbPendingDelete
	}
	if hm := s.poolMonitor(p.ID); hm != nil {
		hm.Prov = lbPendingDelete
	}
}
