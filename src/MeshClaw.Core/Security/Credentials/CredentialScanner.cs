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

        return Pattern().Replace(PemBlocks.Redact(text, tally), match => Replace(match, tally));
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
        ("anthropic", "anthropic"), ("openai", "openai"), ("github", "github"), ("gitlab", "gitlab"),
        ("slack", "slack"), ("aws", "aws"), ("google", "google"), ("jwt", "jwt"), ("urlpass", "url-password"),
        ("auth", "authorization"), ("cookie", "cookie"), ("secret", "secret"),
    ];

    // Every loop is bounded and every alternative but two starts with a literal, so the backtracking engine (source
    // generated: nothing to build at start-up) stays linear in the text; PEM blocks, whose end can be far away, are
    // found by PemBlocks without a regex.
    [GeneratedRegex("""
        \b(?<anthropic>sk-ant-[A-Za-z0-9_\-]{20,300})
        | \b(?<openai>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,300})
        | \b(?<github>(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}))
        | \b(?<gitlab>gl(?:pat|dt|ptt|rt)-[A-Za-z0-9_\-]{20,300})
        | \b(?<slack>(?:xox[abposr]|xapp)-[A-Za-z0-9\-]{10,300}|https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]{20,300})
        | \b(?<aws>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b
        | \b(?<google>AIza[0-9A-Za-z_\-]{35})
        | \b(?<jwt>eyJ[A-Za-z0-9_\-]{8,4096}\.eyJ[A-Za-z0-9_\-]{8,8192}\.[A-Za-z0-9_\-]{8,4096})
        | \b[a-z][a-z0-9+.\-]{1,15}://[^/\s:@"'<>]{1,128}:(?<urlpass>[^/\s@"'<>]{1,256})@
        | \b(?i:(?:proxy-)?authorization)\b["']?\s{0,8}[:=]\s{0,8}["']?(?:(?i:bearer|basic|token|digest)\s{1,8})?(?<auth>[^\s"'<>,;]{8,4096})
        | \b(?i:(?:set-)?cookie)\b["']?\s{0,8}[:=]\s{0,8}["']?(?<cookie>[^\s"';=]{1,128}=[^\r\n"']{4,4096})
        | \b(?i:(?:[a-z0-9]{1,32}[_\-])?(?:token|secret|password|passwd|pwd|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|key))\b["']?\s{0,8}(?:[:=]|\b(?i:is)\b)\s{0,8}["']?(?<secret>[^\s"'<>,;(){}\[\]]{16,512})
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();
}
