package sim

import (
	"fmt"
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Glance's JSON schemas, as glance/api/v2/images.py and image_members.py
// build them, with the custom properties of the stock
// etc/schema-image.json that distributions install.

func imageSchemaProp(typ any, desc string, extra ...any) map[string]any {
	p := map[string]any{"type": typ, "description": desc}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i].(string)] = extra[i+1]
	}
	return p
}

var imageNullOrString = []string{"null", "string"}

func imageSchemaProperties() map[string]any {
	uuid := imageUUIDPattern.String()
	ro := "readOnly"
	withNull := func(list []string) []any {
		out := []any{nil}
		for _, v := range list {
			out = append(out, v)
		}
		return out
	}
	custom := func(typ any, desc string, extra ...any) map[string]any {
		return imageSchemaProp(typ, desc, append(extra, "is_base", false)...)
	}
	return map[string]any{
		"id":   imageSchemaProp("string", "An identifier for the image", "pattern", uuid),
		"name": imageSchemaProp(imageNullOrString, "Descriptive name for the image", "maxLength", 255),
		"status": imageSchemaProp("string", "Status of the image", ro, true, "enum", []string{"queued", "saving",
			"active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated"}),
		"visibility":       imageSchemaProp("string", "Scope of image accessibility", "enum", imageVisibilities),
		"protected":        imageSchemaProp("boolean", "If true, image will not be deletable."),
		"os_hidden":        imageSchemaProp("boolean", "If true, image will not appear in default image list response."),
		"checksum":         imageSchemaProp(imageNullOrString, "md5 hash of image contents.", ro, true, "maxLength", 32),
		"os_hash_algo":     imageSchemaProp(imageNullOrString, "Algorithm to calculate the os_hash_value", ro, true, "maxLength", 64),
		"os_hash_value":    imageSchemaProp(imageNullOrString, "Hexdigest of the image contents using the algorithm specified by the os_hash_algo", ro, true, "maxLength", 128),
		"owner":            imageSchemaProp(imageNullOrString, "Owner of the image", "maxLength", 255),
		"size":             imageSchemaProp([]string{"null", "integer"}, "Size of image file in bytes", ro, true),
		"virtual_size":     imageSchemaProp([]string{"null", "integer"}, "Virtual size of image in bytes", ro, true),
		"container_format": imageSchemaProp(imageNullOrString, "Format of the container", "enum", withNull(imageContainerFormats)),
		"disk_format":      imageSchemaProp(imageNullOrString, "Format of the disk", "enum", withNull(imageDiskFormats)),
		"created_at":       imageSchemaProp("string", "Date and time of image registration", ro, true),
		"updated_at":       imageSchemaProp("string", "Date and time of the last image modification", ro, true),
		"tags": imageSchemaProp("array", "List of strings related to the image",
			"items", map[string]any{"type": "string", "maxLength": 255}),
		"direct_url": imageSchemaProp("string", "URL to access the image file kept in external store", ro, true),
		"min_ram":    imageSchemaProp("integer", "Amount of ram (in MB) required to boot image."),
		"min_disk":   imageSchemaProp("integer", "Amount of disk space (in GB) required to boot image."),
		"self":       imageSchemaProp("string", "An image self url", ro, true),
		"file":       imageSchemaProp("string", "An image file url", ro, true),
		"stores":     imageSchemaProp("string", "Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.", ro, true),
		"schema":     imageSchemaProp("string", "An image schema url", ro, true),
		"locations": imageSchemaProp("array", "A set of URLs to access the image file kept in external store",
			"items", imageLocationSchema()),
		"kernel_id":     custom(imageNullOrString, "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.", "pattern", uuid),
		"ramdisk_id":    custom(imageNullOrString, "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.", "pattern", uuid),
		"instance_uuid": custom("string", "Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)"),
		"architecture":  custom("string", "Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"),
		"os_distro":     custom("string", "Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"),
		"os_version":    custom("string", "Operating system version as specified by the distributor."),
		"description":   custom("string", "A human-readable string describing this image."),
	}
}

func imageLocationSchema() map[string]any {
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

// imageSchema is Glance's PermissiveSchema "image": additional
// properties are strings.
func imageSchema() map[string]any {
	return map[string]any{
		"name":                 "image",
		"properties":           imageSchemaProperties(),
		"additionalProperties": map[string]any{"type": "string"},
		"links": []map[string]string{
			{"rel": "self", "href": "{self}"},
			{"rel": "enclosure", "href": "{file}"},
			{"rel": "describedby", "href": "{schema}"},
		},
	}
}

func imageMemberSchema() map[string]any {
	return map[string]any{
		"name": "member",
		"properties": map[string]any{
			"member_id":  imageSchemaProp("string", "An identifier for the image member (tenantId)"),
			"image_id":   imageSchemaProp("string", "An identifier for the image", "pattern", imageUUIDPattern.String()),
			"created_at": imageSchemaProp("string", "Date and time of image member creation"),
			"updated_at": imageSchemaProp("string", "Date and time of last modification of image member"),
			"status": imageSchemaProp("string", "The status of this image member",
				"enum", []string{"pending", "accepted", "rejected"}),
			"schema": map[string]any{"readOnly": true, "type": "string"},
		},
		"additionalProperties": false,
	}
}

// imageCollectionSchema is Glance's CollectionSchema around an item schema.
func imageCollectionSchema(name string, item map[string]any) map[string]any {
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

func (s *imageService) schemaImage(w http.ResponseWriter, r *http.Request, _ *token) {
	core.WriteJSON(w, http.StatusOK, imageSchema())
}

func (s *imageService) schemaImages(w http.ResponseWriter, r *http.Request, _ *token) {
	core.WriteJSON(w, http.StatusOK, imageCollectionSchema("images", imageSchema()))
}

func (s *imageService) schemaMember(w http.ResponseWriter, r *http.Request, _ *token) {
	core.WriteJSON(w, http.StatusOK, imageMemberSchema())
}

func (s *imageService) schemaMembers(w http.ResponseWriter, r *http.Request, _ *token) {
	core.WriteJSON(w, http.StatusOK, imageCollectionSchema("members", imageMemberSchema()))
}

func (s *imageService) infoImport(w http.ResponseWriter, r *http.Request, _ *token) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"import-methods": map[string]any{
		"description": "Import methods available.", "type": "array",
		"value": []string{"glance-direct", "web-download", "copy-image"},
	}})
}

// infoStores lists the one file store the simulated Glance keeps its
// images in.
func (s *imageService) infoStores(w http.ResponseWriter, r *http.Request, _ *token) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"stores": []map[string]any{
		{"id": "file", "description": "Local file system store", "default": true},
	}})
}

// imageVersionDoc lists the Image API versions, v2.16 being current.
func (s *imageService) imageVersionDoc() map[string]any {
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
func (s *imageService) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusMultipleChoices, s.imageVersionDoc())
}

func (s *imageService) versionList(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, s.imageVersionDoc())
}
