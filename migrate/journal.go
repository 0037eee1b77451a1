package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scs-migrate/scs-migrate/plans"
)

// JournalVersion is the layout version of a journal file.
const JournalVersion = 1

// JournalPath is where the journal of the plan file planPath lives.
func JournalPath(planPath string) string { return planPath + ".journal" }

// Sentinel errors of the journal, for errors.Is.
var (
	// ErrNoJournal means the plan has no journal yet: nothing was migrated.
	ErrNoJournal = errors.New("no journal: this plan has not been migrated")
	// ErrJournalMismatch means the journal belongs to another plan, other
	// plan contents or another target project.
	ErrJournalMismatch = errors.New("journal does not match")
	// ErrJournalDamaged means the journal file is truncated or corrupt.
	ErrJournalDamaged = errors.New("journal is damaged")
	// ErrJournalLocked means another process has the journal open.
	ErrJournalLocked = errors.New("journal is in use")
)

// Header identifies what a journal is for. It is written once, when the
// journal is created, and checked every time it is opened.
type Header struct {
	Version int    `json:"version"`
	PlanID  string `json:"planID"`
	// PlanHash is the SHA-256 of the plan's steps and inventory: a journal
	// only ever drives the plan it was started with.
	PlanHash        string    `json:"planHash"`
	SourceProjectID string    `json:"sourceProjectID"`
	TargetProjectID string    `json:"targetProjectID"`
	TargetAuthURL   string    `json:"targetAuthURL"`
	CreatedAt       time.Time `json:"createdAt"`
}

// Journal is the crash-safe record of one plan's migration. It is safe
// for concurrent use. Every write is one fsynced bbolt transaction; reads
// come from an in-memory copy loaded at open.
type Journal struct {
	path     string
	db       *bolt.DB
	readOnly bool
	hdr      Header

	mu      sync.Mutex
	steps   map[string]StepRecord
	ids     map[string]string
	created map[string]Created
	stopped map[string]Stopped
	saved   map[string][]byte
	commits int
	// beforeCommit, when set, is called with the number of the commit
	// about to be made and what it records, e.g. "created:target/network"
	// or "step:server:succeeded" (test hook: the crash tests kill the
	// process there).
	beforeCommit func(n int, what string)
}

var (
	bucketHeader  = []byte("header")
	bucketSteps   = []byte("steps")
	bucketIDs     = []byte("ids")
	bucketCreated = []byte("created")
	bucketStopped = []byte("stopped")
	bucketSaved   = []byte("saved")
	allBuckets    = [][]byte{bucketHeader, bucketSteps, bucketIDs, bucketCreated, bucketStopped, bucketSaved}
	keyHeader     = []byte("header")
)

// PlanHash is the hash a journal records of a plan: its ID, steps and
// source inventory.
func PlanHash(p *plans.Plan) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	enc.Encode(p.ID)
	enc.Encode(p.Steps)
	enc.Encode(p.Inventory)
	return hex.EncodeToString(h.Sum(nil))
}

// CreateJournal opens the journal at path for migrating p into the
// target project, creating it when it does not exist. An existing journal
// must belong to the same plan, plan contents and target project.
func CreateJournal(path string, p *plans.Plan, sourceProjectID, targetProjectID, targetAuthURL string) (*Journal, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		return nil, fmt.Errorf("%s: %w: the file is empty", path, ErrJournalDamaged)
	}
	j, err := openJournal(path, false)
	if err != nil {
		return nil, err
	}
	switch {
	case j.hdr.PlanID == "" && (len(j.steps) > 0 || len(j.created) > 0):
		err = fmt.Errorf("%s: %w: it has records but no header", path, ErrJournalDamaged)
	case j.hdr.PlanID == "": // new, or made by a process killed before its first commit
		err = j.writeHeader(Header{Version: JournalVersion, PlanID: p.ID, PlanHash: PlanHash(p),
			SourceProjectID: sourceProjectID, TargetProjectID: targetProjectID, TargetAuthURL: targetAuthURL,
			CreatedAt: time.Now().UTC()})
	default:
		if err = j.check(p); err == nil {
			err = j.checkTarget(targetProjectID)
		}
	}
	if err != nil {
		j.Close()
		return nil, err
	}
	return j, nil
}

// OpenJournal opens the existing journal of plan p. readOnly journals
// share the file with other readers but not with a running migrate.
func OpenJournal(path string, p *plans.Plan, readOnly bool) (*Journal, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrNoJournal)
	}
	if err == nil && fi.Size() == 0 {
		// An existing journal is never empty: bbolt writes its meta pages
		// on creation. (Read-only, bbolt would try to initialise it.)
		return nil, fmt.Errorf("%s: %w: the file is empty", path, ErrJournalDamaged)
	}
	j, err := openJournal(path, readOnly)
	if err != nil {
		return nil, err
	}
	if err := j.check(p); err != nil {
		j.Close()
		return nil, err
	}
	return j, nil
}

func openJournal(path string, readOnly bool) (*Journal, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		if err := checkJournalFile(path); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", path, ErrJournalDamaged, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: readOnly})
	if err != nil {
		return nil, explainOpen(path, err)
	}
	if !readOnly {
		if err := os.Chmod(path, 0o600); err != nil {
			db.Close()
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
	}
	j := &Journal{path: path, db: db, readOnly: readOnly, beforeCommit: crashHook()}
	if err := j.safeLoad(); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w: %v", path, ErrJournalDamaged, err)
	}
	return j, nil
}

func explainOpen(path string, err error) error {
	if errors.Is(err, bolt.ErrTimeout) {
		return fmt.Errorf("%s: %w: another scs-migrate process (migrate or rollback) has it open", path, ErrJournalLocked)
	}
	if errors.Is(err, bolt.ErrInvalid) || errors.Is(err, bolt.ErrChecksum) || errors.Is(err, bolt.ErrVersionMismatch) {
		return fmt.Errorf("%s: %w: %v", path, ErrJournalDamaged, err)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("open journal: %w", err)
	}
	return fmt.Errorf("%s: %w: %v", path, ErrJournalDamaged, err)
}

// check compares the header with the plan.
func (j *Journal) check(p *plans.Plan) error {
	h := j.hdr
	switch {
	case h.PlanID == "":
		return fmt.Errorf("%s: %w: it has no header", j.path, ErrJournalDamaged)
	case h.Version != JournalVersion:
		return fmt.Errorf("%s: %w: layout version %d, this scs-migrate reads version %d", j.path, ErrJournalMismatch, h.Version, JournalVersion)
	case h.PlanID != p.ID:
		return fmt.Errorf("%s: %w: it belongs to plan %q, not to plan %q", j.path, ErrJournalMismatch, h.PlanID, p.ID)
	case h.PlanHash != PlanHash(p):
		return fmt.Errorf("%s: %w: the steps or inventory of plan %q changed since its migration started; "+
			"a started migration only runs the plan it started with (restore that plan, or roll back with it first)", j.path, ErrJournalMismatch, p.ID)
	case p.Target.ProjectID != "" && h.TargetProjectID != "" && p.Target.ProjectID != h.TargetProjectID:
		return fmt.Errorf("%s: %w: it migrates into target project %s, the plan names project %s", j.path, ErrJournalMismatch, h.TargetProjectID, p.Target.ProjectID)
	}
	return nil
}

// checkTarget makes sure the credentials reach the project the journal
// migrates into.
func (j *Journal) checkTarget(projectID string) error {
	if j.hdr.TargetProjectID != "" && projectID != j.hdr.TargetProjectID {
		return fmt.Errorf("%s: %w: it migrates into target project %s, but the target credentials are for project %s",
			j.path, ErrJournalMismatch, j.hdr.TargetProjectID, projectID)
	}
	return nil
}

// Header is what the journal is for.
func (j *Journal) Header() Header { return j.hdr }

// Path is the journal's file name.
func (j *Journal) Path() string { return j.path }

// Close releases the file.
func (j *Journal) Close() error { return j.db.Close() }

func (j *Journal) writeHeader(h Header) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := j.update("header", func(tx *bolt.Tx) error { return tx.Bucket(bucketHeader).Put(keyHeader, b) }); err != nil {
		return err
	}
	j.hdr = h
	return nil
}

// update runs one fsynced write transaction; what says what it records.
func (j *Journal) update(what string, fn func(tx *bolt.Tx) error) error {
	if j.readOnly {
		return fmt.Errorf("journal %s is open read-only", j.path)
	}
	j.commits++
	if j.beforeCommit != nil {
		j.beforeCommit(j.commits, what)
	}
	if err := j.db.Update(fn); err != nil {
		return fmt.Errorf("write journal %s: %w", j.path, err)
	}
	return nil
}

// safeLoad is load with bbolt's panics on corrupt pages (and memory
// faults) turned into an error.
func (j *Journal) safeLoad() (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt: %v", r)
		}
	}()
	return j.load()
}

// load reads the whole journal into memory, creating missing buckets.
func (j *Journal) load() error {
	if !j.readOnly {
		err := j.db.Update(func(tx *bolt.Tx) error {
			for _, b := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	j.steps, j.ids, j.created = map[string]StepRecord{}, map[string]string{}, map[string]Created{}
	j.stopped, j.saved = map[string]Stopped{}, map[string][]byte{}
	return j.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketHeader); b != nil {
			if v := b.Get(keyHeader); v != nil {
				if err := json.Unmarshal(v, &j.hdr); err != nil {
					return fmt.Errorf("header: %w", err)
				}
			}
		}
		if err := loadJSON(tx, bucketSteps, j.steps); err != nil {
			return err
		}
		if err := loadJSON(tx, bucketCreated, j.created); err != nil {
			return err
		}
		if err := loadJSON(tx, bucketStopped, j.stopped); err != nil {
			return err
		}
		return loadRaw(tx, j.ids, j.saved)
	})
}

func loadJSON[T any](tx *bolt.Tx, bucket []byte, into map[string]T) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var t T
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("%s %q: %w", bucket, k, err)
		}
		into[string(k)] = t
		return nil
	})
}

func loadRaw(tx *bolt.Tx, ids map[string]string, saved map[string][]byte) error {
	if b := tx.Bucket(bucketIDs); b != nil {
		b.ForEach(func(k, v []byte) error { ids[string(k)] = string(v); return nil })
	}
	if b := tx.Bucket(bucketSaved); b != nil {
		b.ForEach(func(k, v []byte) error { saved[string(k)] = append([]byte(nil), v...); return nil })
	}
	return nil
}

func putJSON(tx *bolt.Tx, bucket []byte, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put([]byte(key), b)
}
