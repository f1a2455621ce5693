using System.Text.Encodings.Web;
using System.Text.Json;

namespace MeshClaw.Core.Security;

/// <summary>
/// Redacts by value, not by name: wherever a secret's value appears (tool output, a model's text, an error),
/// it becomes <c>[secret:NAME]</c>. The value is also looked for as JSON would escape it (strictly or relaxed), so a
/// secret with '+', '&lt;', '"' or non-ASCII characters is found inside serialized arguments and audit data too.
/// Values shorter than 6 characters are left alone: they would match too much.
/// </summary>
public sealed class SecretRedactor(IReadOnlyDictionary<string, string> secrets) : ISecretRedactor
{
    private readonly (string Value, string Replacement)[] _values = [.. secrets
        .Where(s => s.Value.Length >= 6)
        .SelectMany(s => Forms(s.Value).Select(form => (form, $"[secret:{s.Key}]")))
        .DistinctBy(f => f.form, StringComparer.Ordinal)
        .OrderByDescending(f => f.form.Length)];

    public string Redact(string text)
    {
        foreach (var (value, replacement) in _values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, replacement, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static IEnumerable<string> Forms(string value)
    {
        yield return value;
        yield return JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value;
        yield return JsonEncodedText.Encode(value, JavaScriptEncoder.Default).Value;
    }
}
