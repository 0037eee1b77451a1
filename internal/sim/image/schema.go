package image

import (
	"fmt"
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Glance's JSON schemas, as glance/api/v2/images.py and image_members.py
// build them, with the custom properties of the stock
// etc/schema-image.json that distributions install.

func schemaProp(typ any, desc string, extra ...any) map[string]any {
	p := map[string]any{"type": typ, "description": desc}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i].(string)] = extra[i+1]
	}
	return p
}

var imageNullOrString = []string{"null", "string"}

func schemaProperties() map[string]any {
	uuid := uuidPattern.String()
	ro := "readOnly"
	withNull := func(list []string) []any {
		out := []any{nil}
		for _, v := range list {
			out = append(out, v)
		}
		return out
	}
	custom := func(typ any, desc string, extra ...any) map[string]any {
		return schemaProp(typ, desc, append(extra, "is_base", false)...)
	}
	return map[string]any{
		"id":   schemaProp("string", "An identifier for the image", "pattern", uuid),
		"name": schemaProp(imageNullOrString, "Descriptive name for the image", "maxLength", 255),
		"status": schemaProp("string", "Status of the image", ro, true, "enum", []string{"queued", "saving",
			"active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated"}),
		"visibility":       schemaProp("string", "Scope of image accessibility", "enum", core.ImageVisibilities),
		"protected":        schemaProp("boolean", "If true, image will not be deletable."),
		"os_hidden":        schemaProp("boolean", "If true, image will not appear in default image list response."),
		"checksum":         schemaProp(imageNullOrString, "md5 hash of image contents.", ro, true, "maxLength", 32),
		"os_hash_algo":     schemaProp(imageNullOrString, "Algorithm to calculate the os_hash_value", ro, true, "maxLength", 64),
		"os_hash_value":    schemaProp(imageNullOrString, "Hexdigest of the image contents using the algorithm specified by the os_hash_algo", ro, true, "maxLength", 128),
		"owner":            schemaProp(imageNullOrString, "Owner of the image", "maxLength", 255),
		"size":             schemaProp([]string{"null", "integer"}, "Size of image file in bytes", ro, true),
		"virtual_size":     schemaProp([]string{"null", "integer"}, "Virtual size of image in bytes", ro, true),
		"container_format": schemaProp(imageNullOrString, "Format of the container", "enum", withNull(core.ImageContainerFormats)),
		"disk_format":      schemaProp(imageNullOrString, "Format of the disk", "enum", withNull(diskFormats)),
		"created_at":       schemaProp("string", "Date and time of image registration", ro, true),
		"updated_at":       schemaProp("string", "Date and time of the last image modification", ro, true),
		"tags": schemaProp("array", "List of strings related to the image",
			"items", map[string]any{"type": "string", "maxLength": 255}),
		"direct_url": schemaProp("string", "URL to access the image file kept in external store", ro, true),
		"min_ram":    schemaProp("integer", "Amount of ram (in MB) required to boot image."),
		"min_disk":   schemaProp("integer", "Amount of disk space (in GB) required to boot image."),
		"self":       schemaProp("string", "An image self url", ro, true),
		"file":       schemaProp("string", "An image file url", ro, true),
		"stores":     schemaProp("string", "Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.", ro, true),
		"schema":     schemaProp("string", "An image schema url", ro, true),
		"locations": schemaProp("array", "A set of URLs to access the image file kept in external store",
			"items", locationSchema()),
		"kernel_id":     custom(imageNullOrString, "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.", "pattern", uuid),
		"ramdisk_id":    custom(imageNullOrString, "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.", "pattern", uuid),
		"instance_uuid": custom("string", "Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)"),
		"architecture":  custom("string", "Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"),
		"os_distro":     custom("string", "Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"),
		"os_version":    custom("string", "Operating system version as specified by the distributor."),
		"description":   custom("string", "A human-readable string describing this image."),
	}
}

func locationSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"url":      map[string]any{"type": "string", "maxLength": 255},
			"metadata": map[string]any{"type": "object"},
			"validation_data": map[string]any{
				"description":          "Values to be used to populate the corresponding image properties. If the image status is not 'queued', values must exactly match those already contained in the image properties.",
				"type":                 "object",
				"writeOnly":            true,
				"additionalProperties": false,
				"properties": map[string]any{
					"checksum":      map[string]any{"type": "string", "minLength": 32, "maxLength": 32},
					"os_hash_algo":  map[string]any{"type": "string", "maxLength": 64},
					"os_hash_value": map[string]any{"type": "string", "maxLength": 128},
				},
				"required": []string{"os_hash_algo", "os_hash_value"},
			},
		},
		"required": []string{"url", "metadata"},
	}
}

// schemaDoc is Glance's PermissiveSchema "image": additional
// properties are strings.
func schemaDoc() map[string]any {
	return map[string]any{
		"name":                 "image",
		"properties":           schemaProperties(),
		"additionalProperties": map[string]any{"type": "string"},
		"links": []map[string]string{
			{"rel": "self", "href": "{self}"},
			{"rel": "enclosure", "href": "{file}"},
			{"rel": "describedby", "href": "{schema}"},
		},
	}
}

func memberSchema() map[string]any {
	return map[string]any{
		"name": "member",
		"properties": map[string]any{
			"member_id":  schemaProp("string", "An identifier for the image member (tenantId)"),
			"image_id":   schemaProp("string", "An identifier for the image", "pattern", uuidPattern.String()),
			"created_at": schemaProp("string", "Date and time of image member creation"),
			"updated_at": schemaProp("string", "Date and time of last modification of image member"),
			"status": schemaProp("string", "The status of this image member",
				"enum", []string{"pending", "accepted", "rejected"}),
			"schema": map[string]any{"readOnly": true, "type": "string"},
		},
		"additionalProperties": false,
	}
}

// collectionSchema is Glance's CollectionSchema around an item schema.
func collectionSchema(name string, item map[string]any) map[string]any {
	return map[string]any{
		"name": name,
		"properties": map[string]any{
			name:     map[string]any{"type": "array", "items": item},
			"first":  map[string]any{"type": "string"},
			"next":   map[string]any{"type": "string"},
			"schema": map[string]any{"type": "string"},
		},
		"links": []map[string]string{
			{"rel": "first", "href": "{first}"},
			{"rel": "next", "href": "{next}"},
			{"rel": "describedby", "href": "{schema}"},
		},
	}
}

func (s *Room) schemaImage(w http.ResponseWriter, r *http.Request, _ *core.Token) {
	core.WriteJSON(w, http.StatusOK, schemaDoc())
}

func (s *Room) schemaImages(w http.ResponseWriter, r *http.Request, _ *core.Token) {
	core.WriteJSON(w, http.StatusOK, collectionSchema("images", schemaDoc()))
}

func (s *Room) schemaMember(w http.ResponseWriter, r *http.Request, _ *core.Token) {
	core.WriteJSON(w, http.StatusOK, memberSchema())
}

func (s *Room) schemaMembers(w http.ResponseWriter, r *http.Request, _ *core.Token) {
	core.WriteJSON(w, http.StatusOK, collectionSchema("members", memberSchema()))
}

func (s *Room) infoImport(w http.ResponseWriter, r *http.Request, _ *core.Token) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"import-methods": map[string]any{
		"description": "Import methods available.", "type": "array",
		"value": []string{"glance-direct", "web-download", "copy-image"},
	}})
}

// infoStores lists the one file store the simulated Glance keeps its
// images in.
func (s *Room) infoStores(w http.ResponseWriter, r *http.Request, _ *core.Token) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"stores": []map[string]any{
		{"id": "file", "description": "Local file system store", "default": true},
	}})
}

// versionDoc lists the Image API versions, v2.16 being current.
func (s *Room) versionDoc() map[string]any {
	var vs []map[string]any
	for minor := 16; minor >= 0; minor-- {
		status := "SUPPORTED"
		if minor == 16 {
			status = "CURRENT"
		}
		vs = append(vs, map[string]any{
			"id": fmt.Sprintf("v2.%d", minor), "status": status,
			"links": []map[string]string{{"rel": "self", "href": s.c.URL() + "/image/v2/"}},
		})
	}
	return map[string]any{"versions": vs}
}

// versions answers version discovery with 300 Multiple Choices, as
// Glance does for its root.
func (s *Room) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusMultipleChoices, s.versionDoc())
}

func (s *Room) versionList(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, s.versionDoc())
}
