using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Backup;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw backup</c>: the whole home in one zip, taken safely while the gateway runs.</summary>
public static class BackupCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var output = new Option<string?>("--out", "-o") { Description = "The archive to write (default: meshclaw-backup-TIME.zip in the current folder); never overwritten" };
        var withSecrets = new Option<bool>("--with-secrets")
        {
            Description = "Also include secrets.json and secrets.key, the key that decrypts it: the encrypted file is useless without its key, so "
                + "the two go together or not at all. The archive then opens every stored API key and password and the audit key: keep it like a password. "
                + "Without this flag a restore on a new machine has no API keys, passwords or access token (the next start makes a new token; "
                + "set keys again with 'meshclaw secrets set'), and 'meshclaw audit verify' cannot check the records keyed before the backup",
        };
        var noWorkspaces = new Option<bool>("--no-workspaces")
        {
            Description = "Leave out workspaces/ (the agents' files; included by default, since they are your data and undo of file changes needs them)",
        };
        var command = new Command("backup",
            "Write the whole home to one zip archive: the databases (copied consistently, even while the gateway runs), config.json, agents/, skills/ "
            + "and workspaces/, with a manifest of sizes and SHA-256 checksums. Secrets only with --with-secrets")
        { output, withSecrets, noWorkspaces };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            var home = globals.HomeOf(parse);
            var file = parse.GetValue(output) ?? $"meshclaw-backup-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.zip";
            var result = await HomeBackup.CreateAsync(home, file, new HomeBackup.Options(parse.GetValue(withSecrets), !parse.GetValue(noWorkspaces)),
                TimeProvider.System, "user:cli", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(new { result.File, result.Bytes, result.Manifest.SchemaVersion, result.Manifest.WithSecrets, result.Manifest.Items, Files = result.Manifest.Entries.Count, result.SkippedLinks });
                return 0;
            }

            Terminal.Line(result.File);
            Terminal.Note($"{result.Manifest.Entries.Count} file(s), {result.Bytes:N0} bytes: {string.Join(", ", result.Manifest.Items)}"
                + (result.Manifest.WithSecrets ? "; it holds your secrets and their key: keep it like a password" : "; without secrets (--with-secrets adds them with their key)"));
            if (result.SkippedLinks > 0)
            {
                Terminal.Warning($"{result.SkippedLinks} symbolic link(s) were left out: a backup holds regular files only");
            }

            return 0;
        }));
        return command;
    }
}
