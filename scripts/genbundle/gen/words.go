package gen

// common are frequent words of threat reports; descriptions draw from them
// with a Zipf distribution, so the first ones are very common and the last
// ones rare, as in real prose.
var common = []string{
	"the", "of", "and", "to", "a", "in", "is", "that", "by", "with",
	"for", "on", "was", "as", "used", "has", "from", "malware", "actor", "group",
	"this", "attack", "campaign", "access", "command", "control", "server", "network", "data", "file",
	"payload", "victims", "credentials", "system", "infrastructure", "windows", "remote", "execution", "phishing", "email",
	"attachment", "document", "loader", "backdoor", "ransomware", "encryption", "exfiltration", "persistence", "registry", "powershell",
	"script", "dropper", "implant", "beacon", "traffic", "domain", "address", "hash", "sample", "variant",
	"targeted", "organizations", "government", "financial", "energy", "healthcare", "telecommunications", "sector", "operators", "observed",
	"reported", "analysis", "researchers", "indicators", "compromise", "vulnerability", "exploit", "exploited", "patch", "privilege",
	"escalation", "lateral", "movement", "discovery", "collection", "defense", "evasion", "obfuscation", "packed", "encoded",
	"downloaded", "installed", "executed", "scheduled", "task", "service", "process", "injection", "memory", "module",
	"library", "configuration", "plugin", "keylogger", "screenshot", "browser", "cookies", "tokens", "passwords", "accounts",
	"administrator", "domain", "controller", "active", "directory", "kerberos", "ticket", "hashes", "dump", "lsass",
	"mimikatz", "cobalt", "strike", "sliver", "metasploit", "webshell", "proxy", "tunnel", "vpn", "gateway",
	"firewall", "router", "linux", "macos", "android", "mobile", "cloud", "tenant", "storage", "bucket",
	"supply", "chain", "update", "installer", "signed", "certificate", "stolen", "legitimate", "tool", "utility",
	"living", "off", "land", "binaries", "wmi", "rundll32", "regsvr32", "mshta", "certutil", "bitsadmin",
	"espionage", "intelligence", "state", "sponsored", "criminal", "affiliate", "extortion", "leak", "site", "ransom",
	"negotiation", "cryptocurrency", "wallet", "mining", "botnet", "ddos", "spam", "credential", "stuffing", "brute",
	"force", "password", "spraying", "mfa", "fatigue", "session", "hijacking", "token", "theft", "oauth",
	"application", "consent", "mailbox", "forwarding", "rules", "inbox", "exchange", "sharepoint", "teams", "slack",
	"github", "repository", "package", "npm", "pypi", "typosquatting", "dependency", "confusion", "build", "pipeline",
	"ci", "secrets", "keys", "api", "endpoint", "detection", "response", "edr", "antivirus", "disabled",
	"tampering", "logs", "cleared", "timestomping", "masquerading", "renamed", "archive", "compressed", "staged", "uploaded",
	"ftp", "http", "https", "dns", "tunneling", "icmp", "smb", "rdp", "ssh", "telnet",
	"port", "scanning", "reconnaissance", "osint", "social", "engineering", "spearphishing", "link", "watering", "hole",
	"drive", "by", "compromise", "exploit", "kit", "zero", "day", "nday", "cve", "rce",
	"deserialization", "sql", "injection", "xss", "ssrf", "path", "traversal", "upload", "authentication", "bypass",
	"ics", "scada", "plc", "hmi", "safety", "instrumented", "modbus", "dnp3", "opc", "engineering",
	"workstation", "firmware", "bootkit", "rootkit", "uefi", "driver", "kernel", "vulnerable", "signed", "byovd",
	"wiper", "destructive", "sabotage", "outage", "disruption", "availability", "integrity", "confidentiality", "impact", "recovery",
}

// syllables build the rare words and the names of malware and actors.
var syllables = []string{
	"kra", "vex", "zor", "lum", "tar", "quin", "mol", "dra", "fen", "gul",
	"hex", "jor", "kel", "mir", "nox", "pol", "ras", "sil", "tov", "urk",
	"vel", "wyn", "xal", "yor", "zen", "bri", "cor", "dex", "elm", "fyr",
	"gos", "hul", "ist", "jax", "kor", "lyn", "mex", "nim", "orb", "pyx",
}

var colours = []string{"Crimson", "Azure", "Obsidian", "Silver", "Amber", "Jade", "Scarlet", "Ivory", "Cobalt", "Onyx",
	"Golden", "Violet", "Copper", "Ashen", "Emerald", "Frozen", "Hidden", "Silent", "Restless", "Burning"}

var animals = []string{"Panda", "Bear", "Kitten", "Chollima", "Spider", "Typhoon", "Sandstorm", "Blizzard", "Tempest", "Sleet",
	"Falcon", "Viper", "Jackal", "Heron", "Mantis", "Lynx", "Otter", "Raven", "Wolf", "Badger"}

var techniques = []string{"Phishing", "Spearphishing Attachment", "Spearphishing Link", "Valid Accounts", "Exploit Public-Facing Application",
	"Command and Scripting Interpreter", "PowerShell", "Scheduled Task", "Registry Run Keys", "Process Injection",
	"OS Credential Dumping", "LSASS Memory", "Remote Desktop Protocol", "SMB Admin Shares", "Ingress Tool Transfer",
	"Data Encrypted for Impact", "Inhibit System Recovery", "Exfiltration Over C2 Channel", "Web Protocols", "DNS",
	"Obfuscated Files or Information", "Masquerading", "Indicator Removal", "Clear Windows Event Logs", "Modify Registry",
	"System Information Discovery", "Network Service Discovery", "Account Discovery", "Archive Collected Data", "Screen Capture"}
