using System.Text.RegularExpressions;

namespace MeshClaw.Core.Security.Credentials;

/// <summary>
/// Finds credentials by their shape, stored in MeshClaw or not, and replaces them by <c>[credential:KIND]</c> before a
/// model sees a text or it is stored: provider keys (GitHub, GitLab, Slack, AWS, Google, OpenAI, Anthropic), JWTs,
/// Authorization and Cookie values, passwords in URLs, PEM private keys, and long high-entropy values after words like
/// token, secret, password or key. One pass of one compiled pattern, so text without credentials costs one scan.
/// </summary>
public static partial class CredentialScanner
{
    // Shannon entropy (bits per character) a keyword's value needs before it counts as a credential: random keys
    // score 4 and more, words and identifiers well under 3.5.
    private const double MinimumEntropy = 3.5;

    /// <summary>The text with every credential replaced; <paramref name="tally"/>, when given, counts them by kind.</summary>
    public static string Redact(string text, CredentialTally? tally = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 16)
        {
            return text;
        }

        // The non-backtracking engine scans in time linear in the text, so no input can make it slow.
        return Pattern().Replace(text, match => Replace(match, tally));
    }

    private static string Replace(Match match, CredentialTally? tally)
    {
        foreach (var kind in Kinds)
        {
            var group = match.Groups[kind.Group];
            if (!group.Success)
            {
                continue;
            }

            var name = kind.Name;
            if (kind.Group == "secret")
            {
                if (!LooksRandom(group.Value))
                {
                    return match.Value;
                }

                // GITHUB_TOKEN=ghp_...: the keyword found it, the value's own shape names it.
                name = ShapeOf(group.Value) ?? name;
            }

            tally?.Add(name);
            // Only the value goes: the header or keyword before it stays, so the text still reads.
            var keep = match.Value[..(group.Index - match.Index)];
            var rest = match.Value[(group.Index - match.Index + group.Length)..];
            return $"{keep}[credential:{name}]{rest}";
        }

        return match.Value;
    }

    private static string? ShapeOf(string value)
    {
        var match = Pattern().Match(value);
        return match.Success && match.Length == value.Length
            ? Kinds.Where(k => k.Group != "secret" && match.Groups[k.Group].Success).Select(k => k.Name).FirstOrDefault()
            : null;
    }

    // Random keys mix letters and digits with high entropy; words, settings names and URLs after "key:" do not.
    private static bool LooksRandom(string value) =>
        value.Any(char.IsAsciiDigit) && value.Any(char.IsAsciiLetter) && !value.Contains("://", StringComparison.Ordinal) && Entropy(value) >= MinimumEntropy;

    private static double Entropy(string value)
    {
        Span<int> counts = stackalloc int[128];
        var other = 0;
        foreach (var c in value)
        {
            if (c < 128)
            {
                counts[c]++;
            }
            else
            {
                other++;
            }
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / value.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return other > 0 ? entropy + 1 : entropy;
    }

    private static readonly (string Group, string Name)[] Kinds =
    [
        ("pem", "private-key"), ("anthropic", "anthropic"), ("openai", "openai"), ("github", "github"), ("gitlab", "gitlab"),
        ("slack", "slack"), ("aws", "aws"), ("google", "google"), ("jwt", "jwt"), ("urlpass", "url-password"),
        ("auth", "authorization"), ("cookie", "cookie"), ("secret", "secret"),
    ];

    [GeneratedRegex("""
        (?<pem>-----BEGIN[ A-Z0-9]*PRIVATE\ KEY-----[\s\S]*?-----END[ A-Z0-9]*PRIVATE\ KEY-----)
        | \b(?<anthropic>sk-ant-[A-Za-z0-9_\-]{20,})
        | \b(?<openai>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})
        | \b(?<github>(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))
        | \b(?<gitlab>gl(?:pat|dt|ptt|rt)-[A-Za-z0-9_\-]{20,})
        | \b(?<slack>(?:xox[abposr]|xapp)-[A-Za-z0-9\-]{10,}|https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]{20,})
        | \b(?<aws>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b
        | \b(?<google>AIza[0-9A-Za-z_\-]{35})
        | \b(?<jwt>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})
        | \b[a-z][a-z0-9+.\-]+://[^/\s:@"'<>]+:(?<urlpass>[^/\s@"'<>]+)@
        | \b(?i:(?:proxy-)?authorization)\b["']?\s*[:=]\s*["']?(?:(?i:bearer|basic|token|digest)\s+)?(?<auth>[^\s"'<>,;]{8,})
        | \b(?i:(?:set-)?cookie)\b["']?\s*[:=]\s*["']?(?<cookie>[^\s"';=]+=[^\r\n"']{4,})
        | \b(?i:(?:[a-z0-9]+[_\-])?(?:token|secret|password|passwd|pwd|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|key))\b["']?\s*(?:[:=]|\b(?i:is)\b)\s*["']?(?<secret>[^\s"'<>,;(){}\[\]]{16,})
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex Pattern();
}
