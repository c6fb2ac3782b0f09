package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// The asymmetric algorithms a key may verify; each key type verifies exactly
// one, so a token cannot choose how its signature is checked.
const (
	algRS256 = "RS256"
	algES256 = "ES256"
	algHS256 = "HS256"
)

// minRSABits refuses keys too short to trust.
const minRSABits = 2048

// maxRSAExponent is the largest public exponent crypto/rsa verifies with
// (2^31-1); a key with a larger one would load and then refuse every token.
const maxRSAExponent = 1<<31 - 1

var errLargeExponent = errors.New(`has an exponent "e" of 2^31 or more, which crypto/rsa cannot verify with (every token would be refused); common exponents are 65537 (AQAB) and 3`)

// publicKey is a verification key and the one algorithm it verifies.
type publicKey struct {
	alg string
	key any // *rsa.PublicKey or *ecdsa.PublicKey
}

// parsePublicKeyPEM reads AUTH_JWT_PUBLIC_KEY: an RSA or EC P-256 public key
// as PKIX ("PUBLIC KEY"), PKCS #1 ("RSA PUBLIC KEY") or inside a certificate.
// Errors describe the problem, never the value.
func parsePublicKeyPEM(text string) (publicKey, error) {
	text = strings.TrimSpace(text)
	// Consoles and YAML files often flatten a PEM to one line with literal \n.
	if !strings.Contains(text, "\n") && strings.Contains(text, `\n`) {
		text = strings.ReplaceAll(text, `\n`, "\n")
	}
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return publicKey{}, errors.New("is not a PEM block")
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		if strings.Contains(block.Type, "PRIVATE") {
			return publicKey{}, errors.New("holds a private key: give the public key (PUBLIC KEY) instead")
		}
		return publicKey{}, fmt.Errorf("has PEM type %q: want PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE", block.Type)
	}
	if err != nil {
		return publicKey{}, fmt.Errorf("cannot be parsed as %s", block.Type)
	}
	return usableKey(key)
}

// usableKey pins a parsed key to its algorithm and refuses weak or
// unsupported keys.
func usableKey(key any) (publicKey, error) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.E > maxRSAExponent {
			return publicKey{}, errLargeExponent
		}
		if k.E < 3 || k.E%2 == 0 {
			return publicKey{}, errors.New(`has no valid exponent "e" (an odd number of at least 3)`)
		}
		if k.N.BitLen() < minRSABits {
			return publicKey{}, fmt.Errorf("holds an RSA key shorter than %d bits", minRSABits)
		}
		return publicKey{alg: algRS256, key: k}, nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return publicKey{}, errors.New("holds an EC key that is not on curve P-256 (ES256)")
		}
		return publicKey{alg: algES256, key: k}, nil
	default:
		return publicKey{}, errors.New("holds a key that is neither RSA (RS256) nor EC P-256 (ES256)")
	}
}

// jwk is the part of a JSON Web Key (RFC 7517/7518) that a verifier needs.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	// RSA
	N string `json:"n"`
	E string `json:"e"`
	// EC
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS reads AUTH_JWKS, an inline JWKS document, into keys by kid.
// Keys that cannot verify RS256 or ES256 signatures (encryption keys,
// symmetric keys, other algorithms) are left out; a key that claims to be
// usable but is broken, or a repeated kid, is an error.
func parseJWKS(text string) (map[string]publicKey, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, errors.New(`is not a JSON document of the form {"keys": [...]}`)
	}
	keys := make(map[string]publicKey, len(doc.Keys))
	for i, raw := range doc.Keys {
		var k jwk
		if err := json.Unmarshal(raw, &k); err != nil {
			return nil, fmt.Errorf("key %d is not a JSON Web Key object", i)
		}
		key, ok, err := signingKey(k)
		if err != nil {
			return nil, fmt.Errorf("key %d (kid %q) %v", i, k.Kid, err)
		}
		if !ok {
			continue
		}
		if _, dup := keys[k.Kid]; dup {
			return nil, fmt.Errorf("has more than one key with kid %q", k.Kid)
		}
		keys[k.Kid] = key
	}
	if len(keys) == 0 {
		return nil, errors.New("has no RSA (RS256) or EC P-256 (ES256) signing key")
	}
	return keys, nil
}

// signingKey reads one JWK, inline (AUTH_JWKS) or fetched (AUTH_JWKS_URL),
// with the same rules: ok is false for a key that is not for RS256 or
// ES256 signatures (left out), err says why a key that claims to be one is
// unusable.
func signingKey(k jwk) (key publicKey, ok bool, err error) {
	if k.Use != "" && k.Use != "sig" {
		return publicKey{}, false, nil
	}
	switch k.Kty {
	case "RSA":
		if k.Alg != "" && k.Alg != algRS256 {
			return publicKey{}, false, nil
		}
		key, err = rsaJWK(k)
	case "EC":
		if k.Alg != "" && k.Alg != algES256 {
			return publicKey{}, false, nil
		}
		key, err = ecJWK(k)
	default:
		// Never a symmetric ("oct") key from a public key set.
		return publicKey{}, false, nil
	}
	return key, err == nil, err
}

func rsaJWK(k jwk) (publicKey, error) {
	n, err := b64url(k.N)
	if err != nil || len(n) == 0 {
		return publicKey{}, errors.New(`has no valid modulus "n"`)
	}
	e, err := b64url(k.E)
	if err != nil || len(e) == 0 {
		return publicKey{}, errors.New(`has no valid exponent "e"`)
	}
	exp := new(big.Int).SetBytes(e)
	if !exp.IsInt64() || exp.Int64() > maxRSAExponent {
		return publicKey{}, errLargeExponent
	}
	return usableKey(&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())})
}

func ecJWK(k jwk) (publicKey, error) {
	if k.Crv != "P-256" {
		return publicKey{}, errors.New(`is not on curve "P-256" (ES256)`)
	}
	x, errX := b64url(k.X)
	y, errY := b64url(k.Y)
	if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
		return publicKey{}, errors.New(`has no valid 32-byte "x" and "y"`)
	}
	// ParseUncompressedPublicKey also refuses points off the curve.
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		return publicKey{}, errors.New("is not a point on curve P-256")
	}
	return usableKey(pub)
}

// b64url decodes base64url, with or without padding, as JWKs use it.
func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
