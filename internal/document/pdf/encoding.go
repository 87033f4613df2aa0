package pdf

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// The three single-byte encodings that simple fonts name. Codes below 0x20
// and unassigned codes map to 0.
var winAnsi, standardEnc, macRoman [256]rune

// latinNames are the glyph names of U+00C0..U+00FF in order; they give both
// the upper half of WinAnsi and most accented names in /Differences.
var latinNames = strings.Fields(`Agrave Aacute Acircumflex Atilde Adieresis
Aring AE Ccedilla Egrave Eacute Ecircumflex Edieresis Igrave Iacute
Icircumflex Idieresis Eth Ntilde Ograve Oacute Ocircumflex Otilde Odieresis
multiply Oslash Ugrave Uacute Ucircumflex Udieresis Yacute Thorn germandbls
agrave aacute acircumflex atilde adieresis aring ae ccedilla egrave eacute
ecircumflex edieresis igrave iacute icircumflex idieresis eth ntilde ograve
oacute ocircumflex otilde odieresis divide oslash ugrave uacute ucircumflex
udieresis yacute thorn ydieresis`)

// glyphNames maps Adobe glyph names to text for the names that Latin
// documents use; uniXXXX and uXXXX forms are decoded by glyphText.
var glyphNames = map[string]string{
	"space": " ", "exclam": "!", "quotedbl": "\"", "numbersign": "#",
	"dollar": "$", "percent": "%", "ampersand": "&", "quotesingle": "'",
	"parenleft": "(", "parenright": ")", "asterisk": "*", "plus": "+",
	"comma": ",", "hyphen": "-", "period": ".", "slash": "/", "colon": ":",
	"semicolon": ";", "less": "<", "equal": "=", "greater": ">",
	"question": "?", "at": "@", "bracketleft": "[", "backslash": "\\",
	"bracketright": "]", "asciicircum": "^", "underscore": "_", "grave": "`",
	"braceleft": "{", "bar": "|", "braceright": "}", "asciitilde": "~",
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4",
	"five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
	"quoteleft": "‘", "quoteright": "’", "quotedblleft": "“",
	"quotedblright": "”", "quotesinglbase": "‚", "quotedblbase": "„",
	"bullet": "•", "endash": "–", "emdash": "—", "ellipsis": "…",
	"fi": "fi", "fl": "fl", "ff": "ff", "ffi": "ffi", "ffl": "ffl",
	"dagger": "†", "daggerdbl": "‡", "trademark": "™", "copyright": "©",
	"registered": "®", "degree": "°", "section": "§", "paragraph": "¶",
	"periodcentered": "·", "guillemotleft": "«", "guillemotright": "»",
	"guilsinglleft": "‹", "guilsinglright": "›", "minus": "−",
	"Euro": "€", "sterling": "£", "yen": "¥", "cent": "¢", "currency": "¤",
	"exclamdown": "¡", "questiondown": "¿", "brokenbar": "¦",
	"dieresis": "¨", "ordfeminine": "ª", "logicalnot": "¬", "macron": "¯",
	"plusminus": "±", "twosuperior": "²", "threesuperior": "³",
	"acute": "´", "mu": "µ", "cedilla": "¸", "onesuperior": "¹",
	"ordmasculine": "º", "onequarter": "¼", "onehalf": "½",
	"threequarters": "¾", "florin": "ƒ", "circumflex": "ˆ", "tilde": "˜",
	"perthousand": "‰", "Scaron": "Š", "scaron": "š", "OE": "Œ", "oe": "œ",
	"Zcaron": "Ž", "zcaron": "ž", "Ydieresis": "Ÿ", "dotlessi": "ı",
	"Lslash": "Ł", "lslash": "ł", "fraction": "⁄", "nbspace": " ",
	"sfthyphen": "-", "uni00A0": " ", "arrowright": "→", "checkmark": "✓",
}

func init() {
	for i, n := range latinNames {
		glyphNames[n] = string(rune(0xC0 + i))
	}
	for c := 0x20; c < 0x7F; c++ {
		winAnsi[c], standardEnc[c], macRoman[c] = rune(c), rune(c), rune(c)
	}
	for c := 0xA0; c <= 0xFF; c++ {
		winAnsi[c] = rune(c)
	}
	for i, r := range []rune("€\x00‚ƒ„…†‡ˆ‰Š‹Œ\x00Ž\x00\x00‘’“”•–—˜™š›œ\x00žŸ") {
		winAnsi[0x80+i] = r
	}
	winAnsi[0xAD] = '-'
	standardEnc['\''], standardEnc['`'] = '’', '‘'
	for i, r := range []rune("¡¢£⁄¥ƒ§¤'“«‹›ﬁﬂ\x00–†‡·\x00¶•‚„”»…‰\x00¿") {
		standardEnc[0xA1+i] = r
	}
	for c, r := range map[int]rune{0xC1: '`', 0xC2: '´', 0xC3: 'ˆ', 0xC4: '˜',
		0xC5: '¯', 0xC8: '¨', 0xCB: '¸', 0xD0: '—', 0xE1: 'Æ', 0xE3: 'ª',
		0xE8: 'Ł', 0xE9: 'Ø', 0xEA: 'Œ', 0xEB: 'º', 0xF1: 'æ', 0xF5: 'ı',
		0xF8: 'ł', 0xF9: 'ø', 0xFA: 'œ', 0xFB: 'ß'} {
		standardEnc[c] = r
	}
	mac := []rune("ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø" +
		"¿¡¬√ƒ≈∆«»… ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uF8FFÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ")
	for i, r := range mac {
		macRoman[0x80+i] = r
	}
}

// glyphText returns the text of a glyph name, or "" when unknown.
func glyphText(name string) string {
	if t, ok := glyphNames[name]; ok {
		return t
	}
	if len(name) == 1 {
		return name
	}
	if base, _, ok := strings.Cut(name, "."); ok && base != "" {
		return glyphText(base)
	}
	if strings.Contains(name, "_") {
		var b strings.Builder
		for _, part := range strings.Split(name, "_") {
			b.WriteString(glyphText(part))
		}
		return b.String()
	}
	if hex, ok := strings.CutPrefix(name, "uni"); ok && len(hex)%4 == 0 {
		var u []uint16
		for i := 0; i < len(hex); i += 4 {
			v, err := strconv.ParseUint(hex[i:i+4], 16, 16)
			if err != nil {
				return ""
			}
			u = append(u, uint16(v))
		}
		return decodeUTF16(u)
	}
	if hex, ok := strings.CutPrefix(name, "u"); ok && len(hex) >= 4 && len(hex) <= 6 {
		if v, err := strconv.ParseUint(hex, 16, 32); err == nil && v <= 0x10FFFF {
			return string(rune(v))
		}
	}
	return ""
}

func decodeUTF16(u []uint16) string { return string(utf16.Decode(u)) }
