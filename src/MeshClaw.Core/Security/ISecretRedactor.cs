namespace MeshClaw.Core.Security;

/// <summary>Replaces every known secret value in a text by its name, before the text is stored, logged or shown to a model.</summary>
public interface ISecretRedactor
{
    string Redact(string text);
}

public sealed class NoRedaction : ISecretRedactor
{
    public static readonly NoRedaction Instance = new();

    public string Redact(string text) => text;
}
