package extract

import "strings"

// fileExts are file extensions common enough in reports that "name.ext" is
// taken for a file name. Several are also top-level domains (zip, mov, py,
// sh, pl, ps, rs, md, cc, so, app, one, cat, ws, …): a bare "name.zip" is a
// file name, while "name[.]zip", "http://name.zip/" and "a@name.zip" are
// domains. "com" is deliberately absent.
var fileExts = toSet(strings.Fields(`
7z ace apk app appx arj asp aspx bak bat bin bz2 cab cat cc cer chm class
cmd conf config cpl crt cs csv dat db deb der dll dmg doc docm docx dot
dotm drv dylib elf eml exe gif gz hta htm html ico img inf ini iso jar java
jpeg jpg js jse json jsp key lib lnk log lua lzh md mht mhtml mov mp3 mp4
msc msg msi msix msp nupkg ocx one onepkg pcap pdb pdf pem php pif pkg pl
plist png pptm ppt pptx ps ps1 psd1 psm1 pub py pyc rar rb reg rpm rs rtf
scr sct sh so sql svg swf sys tar tgz tmp ttf txt vb vba vbe vbs vhd vhdx
war wav wim wll ws wsc wsf xla xlam xll xls xlsb xlsm xlsx xml xsl xz zip
`))

// toSet returns the words as a set.
func toSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
