namespace MeshClaw.Core.Security;

/// <summary>
/// Redacts by value, not by name: wherever a secret's value appears (tool output, a model's text, an error),
/// it becomes <c>[secret:NAME]</c>. Values shorter than 6 characters are left alone: they would match too much.
/// </summary>
public sealed class SecretRedactor(IReadOnlyDictionary<string, string> secrets) : ISecretRedactor
{
    private readonly (string Value, string Replacement)[] _values = [.. secrets
        .Where(s => s.Value.Length >= 6)
        .OrderByDescending(s => s.Value.Length)
        .Select(s => (s.Value, $"[secret:{s.Key}]"))];

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
}
