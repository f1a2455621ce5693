using MeshClaw.Core.Security;
using MeshClaw.Core.Security.Credentials;

namespace MeshClaw.Tests.Security;

/// <summary>Credentials found by their shape, stored or not, are gone before a model or a store sees the text.</summary>
public sealed class CredentialScannerTests
{
    // Built at run time, so the repository holds no string a secret scanner would take for a live key.
    private const string Random40 = "Zq8xK2mW9vR4tY7uP1sA6dF3gH5jL0cV8bN2mQ4w";

    public static TheoryData<string, string, string> Shapes() => new()
    {
        { "github", "clone with " + "ghp_" + Random40[..36] + " please", "clone with [credential:github] please" },
        { "github fine-grained", "github_pat_" + Random40[..30] + " ok", "[credential:github] ok" },
        { "gitlab", "glpat-" + Random40[..20], "[credential:gitlab]" },
        { "slack bot", "xoxb-" + "1234567890-" + Random40[..24], "[credential:slack]" },
        { "slack webhook", "post to https://hooks.slack.com/services/" + "T0000/B0000/" + Random40[..24], "post to [credential:slack]" },
        { "aws", "id AKIA" + "IOSFODNN7EXAMPLE here", "id [credential:aws] here" },
        { "google", "AIza" + Random40[..35], "[credential:google]" },
        { "openai", "sk-proj-" + Random40, "[credential:openai]" },
        { "anthropic", "sk-ant-api03-" + Random40, "[credential:anthropic]" },
        { "jwt", "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "[credential:jwt]" },
        { "authorization header", "GET / HTTP/1.1\nAuthorization: Bearer " + "abc.def-ghi_" + Random40[..10] + "\n", "GET / HTTP/1.1\nAuthorization: Bearer [credential:authorization]\n" },
        { "authorization in json", "{\"Authorization\": \"Basic " + "dXNlcjpwYXNzd29yZA==" + "\"}", "{\"Authorization\": \"Basic [credential:authorization]\"}" },
        { "cookie", "Cookie: session=" + Random40[..20] + "; theme=dark", "Cookie: [credential:cookie]" },
        { "url password", "db at postgres://admin:" + "hunter2hunter2" + "@db.internal:5432/app", "db at postgres://admin:[credential:url-password]@db.internal:5432/app" },
        { "pem", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----", "[credential:private-key]" },
        { "keyword and entropy", "api_key = \"" + Random40[..24] + "\"", "api_key = \"[credential:secret]\"" },
        { "keyword names the shape", "GITHUB_TOKEN=" + "ghp_" + Random40[..36], "GITHUB_TOKEN=[credential:github]" },
        { "password is", "the password is " + "x9$Lq2!vT8#mW4pZ" + " ok", "the password is [credential:secret] ok" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EachShape_IsReplacedByItsKind(string kind, string text, string expected)
    {
        var tally = new CredentialTally();

        var redacted = CredentialScanner.Redact(text, tally);

        Assert.True(expected == redacted, $"{kind}: got {redacted}");
        Assert.Equal(1, tally.Total);
    }

    [Theory]
    [InlineData("The key to success is patience, and the token economy is cheap.")]
    [InlineData("commit 3f2a9c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291 fixed the build")]
    [InlineData("key: production-database-settings")]
    [InlineData("id 123e4567-e89b-12d3-a456-426614174000 and https://example.com/a/b?c=d")]
    [InlineData("Authorization: see the docs")]
    [InlineData("sk-short and AKIA123")]
    public void OrdinaryText_IsLeftAlone(string text)
    {
        var tally = new CredentialTally();

        Assert.Equal(text, CredentialScanner.Redact(text, tally));
        Assert.Equal(0, tally.Total);
    }

    [Fact]
    public void ARunRedactor_NamesStoredSecretsFirst_AndCountsTheRestByKind()
    {
        var stored = "ghp_" + Random40[..36];
        var redactor = new CredentialRedactor(new SecretRedactor(new Dictionary<string, string> { ["GITHUB"] = stored }));

        var text = redactor.Redact($"stored {stored}; unknown {"sk-ant-api03-" + Random40} and {"xoxb-1234567890-" + Random40[..20]}");

        Assert.Equal("stored [secret:GITHUB]; unknown [credential:anthropic] and [credential:slack]", text);
        Assert.Equal(new Dictionary<string, int> { ["anthropic"] = 1, ["slack"] = 1 }, redactor.Tally.Snapshot());
    }

    [Fact]
    public void AMegabyteOfText_IsScannedWhole()
    {
        var line = "Ordinary log line with numbers 12345 and words, nothing secret here at all.\n";
        var text = string.Concat(Enumerable.Repeat(line, 1024 * 1024 / line.Length)) + "token: " + Random40;

        var redacted = CredentialScanner.Redact(text);

        Assert.EndsWith("token: [credential:secret]", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void UnclosedAndNonKeyPemBlocks_AreLeftAlone_AndOnlyKeysGo()
    {
        var certificate = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";
        var key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----";
        var headersOnly = string.Concat(Enumerable.Repeat("-----BEGIN RSA PRIVATE KEY----- ", 20_000));
        var tally = new CredentialTally();

        Assert.Equal($"{certificate}\n[credential:private-key]\nafter", CredentialScanner.Redact($"{certificate}\n{key}\nafter", tally));
        Assert.Equal(headersOnly, CredentialScanner.Redact(headersOnly, tally));
        Assert.Equal(1, tally.Total);
    }
}
