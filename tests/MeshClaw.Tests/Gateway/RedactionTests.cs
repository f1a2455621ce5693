using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using MeshClaw.Core.Security;
using MeshClaw.Host.Api;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Tests.Gateway;

/// <summary>A secret whose characters JSON escapes ('+', '&lt;', '"', non-ASCII) is redacted everywhere MeshClaw writes or shows text.</summary>
public sealed class RedactionTests : IAsyncLifetime
{
    private const string Secret = "pa+ss<wörd>\"quote&x";
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task TrickySecret_IsRedactedFromTheModel_Transcript_Journal_Audit_Ledger_AndLogs()
    {
        var logs = new CapturedLogs();
        _models.For("scripted-main")
            .Reply(ScriptedReply.ToolCalls(("read_file", """{"path":"leak.txt"}"""), ("write_file", JsonSerializer.Serialize(new { path = "copy.txt", content = Secret }))))
            .ReplyAlways(ScriptedReply.HttpError(500, $"upstream choked on {Secret}"));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["worker"] = "model: main\ntools: [files.*]" }, logs: logs,
            beforeStart: home =>
            {
                Directory.CreateDirectory(home.WorkspaceOf("worker"));
                File.WriteAllText(Path.Combine(home.WorkspaceOf("worker"), "leak.txt"), $"the password is {Secret}");
            });
        gateway.Get<ISecretStore>().Set("TRICKY", Secret);

        var run = await gateway.RunAsync("worker", "copy the password");
        // A broken edit of config.json is logged with the reason, which here quotes the secret.
        var config = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(gateway.Home.ConfigFile))!.AsObject();
        config["timeZone"] = Secret;
        await File.WriteAllTextAsync(gateway.Home.ConfigFile, config.ToJsonString());
        File.SetLastWriteTimeUtc(gateway.Home.ConfigFile, DateTime.UtcNow.AddMinutes(1));
        gateway.Get<MeshClaw.Host.Configuration.ConfigSource>().Refresh();
        using var client = gateway.ApiClient();
        var shown = await client.GetStringAsync(new Uri($"api/runs/{run.Id}", UriKind.Relative));
        var journal = await client.GetStringAsync(new Uri($"api/journal?run={run.Id}", UriKind.Relative));
        var audit = await client.GetStringAsync(new Uri("api/audit?limit=1000", UriKind.Relative));
        string ledgerErrors;
        await using (var connection = await gateway.Get<SqliteDatabase>().OpenAsync(default))
        {
            ledgerErrors = string.Join("\n", await connection.QueryAsync<string>("SELECT error FROM usage WHERE error IS NOT NULL"));
        }

        // What MeshClaw sent the model: the tool results (the scripted model's own words are its own).
        using var request = _models.Requests[1].Json();
        var toModel = string.Join("\n", request.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() is "tool" or "user" or "system").Select(m => m.GetProperty("content").ToString()));
        Assert.Contains("the password is [secret:TRICKY]", toModel, StringComparison.Ordinal);
        Assert.Contains("[secret:TRICKY]", ledgerErrors, StringComparison.Ordinal);
        Assert.Contains("[secret:TRICKY]", run.Reason, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("[secret:TRICKY]", StringComparison.Ordinal));
        foreach (var form in new[] { Secret, JsonEncodedText.Encode(Secret).Value, JsonEncodedText.Encode(Secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value, "ss<w", "ss\\u003Cw" })
        {
            foreach (var (where, text) in new[] { ("the model's request", toModel), ("the run", shown), ("the journal", journal), ("the audit log", audit), ("the ledger", ledgerErrors), ("the logs", string.Join("\n", logs.Lines)) })
            {
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"{where} shows the secret as '{form}'");
            }
        }
    }
}
