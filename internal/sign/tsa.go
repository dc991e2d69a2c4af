package sign

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"
)

// ErrTimestamp wraps a failure to get a timestamp: the TSA is down or
// answers wrongly. Unlike a bad seal, it may pass; retry later.
var ErrTimestamp = errors.New("sign: timestamp")

// TSA is an RFC 3161 time-stamping authority.
type TSA struct {
	URL    string
	Client *http.Client // nil: a client with a 30 s timeout
}

type messageImprint struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	HashedMessage []byte
}

type timeStampReq struct {
	Version        int
	MessageImprint messageImprint
	ReqPolicy      asn1.ObjectIdentifier `asn1:"optional"`
	Nonce          *big.Int              `asn1:"optional"`
	CertReq        bool                  `asn1:"optional,default:false"`
}

type pkiStatusInfo struct {
	Status       int
	StatusString asn1.RawValue  `asn1:"optional"`
	FailInfo     asn1.BitString `asn1:"optional"`
}

type timeStampResp struct {
	Status         pkiStatusInfo
	TimeStampToken asn1.RawValue `asn1:"optional"`
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	GenTime        time.Time `asn1:"generalized"`
	Accuracy       accuracy  `asn1:"optional"`
	Ordering       bool      `asn1:"optional,default:false"`
	Nonce          *big.Int  `asn1:"optional"`
}

// accuracy is a SEQUENCE, so an absent one is not confused with the nonce
// that follows (a RawValue would take any element).
type accuracy struct {
	Seconds int `asn1:"optional"`
	Millis  int `asn1:"optional,tag:0"`
	Micros  int `asn1:"optional,tag:1"`
}

// Stamp asks the TSA for a timestamp token over a signature value.
func (t *TSA) Stamp(signature []byte) ([]byte, error) {
	token, err := t.stamp(signature)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTimestamp, t.URL, err)
	}
	return token, nil
}

func (t *TSA) stamp(signature []byte) ([]byte, error) {
	sum := sha256.Sum256(signature)
	nonce, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	req, err := asn1.Marshal(timeStampReq{Version: 1, MessageImprint: messageImprint{HashAlgorithm: sha256AlgorithmID, HashedMessage: sum[:]},
		Nonce: nonce, CertReq: true})
	if err != nil {
		return nil, err
	}
	client := t.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Post(t.URL, "application/timestamp-query", bytes.NewReader(req))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d %v", resp.StatusCode, err)
	}
	var tr timeStampResp
	if _, err := asn1.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	if tr.Status.Status > 1 || len(tr.TimeStampToken.FullBytes) == 0 {
		return nil, fmt.Errorf("refused (status %d)", tr.Status.Status)
	}
	info, err := tokenInfo(tr.TimeStampToken.FullBytes)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(info.MessageImprint.HashedMessage, sum[:]) || info.Nonce == nil || info.Nonce.Cmp(nonce) != 0 {
		return nil, errors.New("the timestamp is not for this signature")
	}
	return tr.TimeStampToken.FullBytes, nil
}

// tokenInfo reads the TSTInfo a timestamp token carries (unverified).
func tokenInfo(token []byte) (tstInfo, error) {
	var info tstInfo
	var ci contentInfo
	if _, err := asn1.Unmarshal(token, &ci); err != nil || !ci.ContentType.Equal(oidSignedData) {
		return info, errors.New("sign: not a timestamp token")
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || !sd.EncapContentInfo.EContentType.Equal(oidTSTInfo) {
		return info, errors.New("sign: not a timestamp token")
	}
	var octets []byte
	if _, err := asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &octets); err != nil {
		return info, errors.New("sign: timestamp token without TSTInfo")
	}
	if _, err := asn1.Unmarshal(octets, &info); err != nil {
		return info, fmt.Errorf("sign: TSTInfo: %w", err)
	}
	return info, nil
}
