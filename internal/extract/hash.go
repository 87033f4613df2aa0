package extract

import (
	"crypto/sha256"
	"math/big"
	"strings"
)

// hashKinds maps the length of a hex run to the hash it is taken for.
var hashKinds = map[int]Kind{32: MD5, 40: SHA1, 64: SHA256, 128: SHA512}

// hash matches a word w (whole word, so never part of a longer hex run)
// that is exactly 32, 40, 64 or 128 hex digits.
func (sc *scanner) hash(i, j int) bool {
	k, ok := hashKinds[j-i]
	if !ok {
		return false
	}
	for p := i; p < j; p++ {
		if !isHex(sc.s[p]) {
			return false
		}
	}
	sc.c.add(k, strings.ToLower(sc.s[i:j]), i, j, false, nil)
	return true
}

// wallet matches the word s[i:j] as a cryptocurrency address.
func (sc *scanner) wallet(i, j int) bool {
	w := sc.s[i:j]
	var k Kind
	v := w
	switch {
	case len(w) == 42 && (w[:2] == "0x" || w[:2] == "0X") && allHex(w[2:]):
		k, v = EthereumAddress, strings.ToLower(w)
	case (len(w) == 95 && (w[0] == '4' || w[0] == '8') || len(w) == 106 && w[0] == '4') && isBase58(w):
		k = MoneroAddress
	case len(w) >= 26 && len(w) <= 35 && (w[0] == '1' || w[0] == '3') && base58Check(w):
		k = BitcoinAddress
	case len(w) >= 14 && len(w) <= 74 && strings.HasPrefix(strings.ToLower(w), "bc1") && bech32Valid(w):
		k, v = BitcoinAddress, strings.ToLower(w)
	default:
		return false
	}
	sc.c.add(k, v, i, j, false, nil)
	return true
}

func allHex(s string) bool {
	for k := 0; k < len(s); k++ {
		if !isHex(s[k]) {
			return false
		}
	}
	return true
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func isBase58(s string) bool {
	for k := 0; k < len(s); k++ {
		if strings.IndexByte(base58Alphabet, s[k]) < 0 {
			return false
		}
	}
	return true
}

// base58Check decodes a legacy Bitcoin address and verifies its version
// byte (0 for P2PKH, 5 for P2SH) and double-SHA-256 checksum.
func base58Check(s string) bool {
	if !isBase58(s) {
		return false
	}
	n := new(big.Int)
	for k := 0; k < len(s); k++ {
		n.Mul(n, big.NewInt(58))
		n.Add(n, big.NewInt(int64(strings.IndexByte(base58Alphabet, s[k]))))
	}
	b := n.Bytes()
	for k := 0; k < len(s) && s[k] == '1'; k++ {
		b = append([]byte{0}, b...)
	}
	if len(b) != 25 || (b[0] != 0 && b[0] != 5) {
		return false
	}
	h1 := sha256.Sum256(b[:21])
	h2 := sha256.Sum256(h1[:])
	return string(h2[:4]) == string(b[21:])
}

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32Valid verifies a segwit address's bech32 (BIP 173) or bech32m
// (BIP 350) checksum. Mixed case is invalid.
func bech32Valid(s string) bool {
	if mixedCase(s) {
		return false
	}
	s = strings.ToLower(s)
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || len(s)-sep-1 < 6 {
		return false
	}
	hrp, data := s[:sep], s[sep+1:]
	values := make([]uint32, 0, len(hrp)*2+1+len(data))
	for k := 0; k < len(hrp); k++ {
		values = append(values, uint32(hrp[k])>>5)
	}
	values = append(values, 0)
	for k := 0; k < len(hrp); k++ {
		values = append(values, uint32(hrp[k])&31)
	}
	for k := 0; k < len(data); k++ {
		d := strings.IndexByte(bech32Charset, data[k])
		if d < 0 {
			return false
		}
		values = append(values, uint32(d))
	}
	pm := bech32Polymod(values)
	return pm == 1 || pm == 0x2bc830a3
}

func bech32Polymod(values []uint32) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ v
		for k := 0; k < 5; k++ {
			if (top>>k)&1 == 1 {
				chk ^= gen[k]
			}
		}
	}
	return chk
}
