using System.Text.Json;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>The JSON shape of the data the mail tools hand to procedures.</summary>
public static class MailData
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>A message's text, cut to an excerpt, as <c>email_read</c> gives it to procedures.</summary>
public sealed record MailExcerpt(string Id, string From, string Subject, string Excerpt, bool Found);
