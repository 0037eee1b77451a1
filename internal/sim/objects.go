package sim

import (
	"fmt"
	"strings"
)

// EC2Credential mints an EC2 credential (an S3 access key and secret)
// for the user of the named project, as the user could through
// Keystone's OS-EC2 API.
func (c *Cloud) EC2Credential(projectName string) (access, secret string, err error) {
	c.Lock()
	defer c.Unlock()
	id := c.identity.ProjectIDLocked(projectName)
	if id == "" {
		return "", "", fmt.Errorf("no project %q", projectName)
	}
	cred := c.identity.NewEC2CredentialLocked(id)
	return cred.Access, cred.Secret, nil
}

// S3Host is the host:port S3 clients that take no path in their
// endpoint (minio-go) connect to: they address buckets at the cloud's
// root with signed requests. The catalog's object-store-s3 endpoint is
// URL()+"/s3".
func (c *Cloud) S3Host() string {
	_, host, _ := strings.Cut(c.URL(), "://")
	return host
}
