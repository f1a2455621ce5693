using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshClaw.Testing.Mail;

/// <summary>
/// A real mail server for tests: Dovecot (IMAP with MOVE, UIDPLUS, IDLE, SPECIAL-USE) and Postfix (SMTP that
/// delivers to Dovecot over LMTP and can never send off the machine), on free loopback ports, from a throw-away
/// folder, without systemd. Installed by scripts/services/mail; started and stopped here, per fixture.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly Process _dovecot;
    private readonly string _postfixConfig;

    private MailServer(string root, Process dovecot, string postfixConfig, int imapPort, int smtpPort)
    {
        _root = root;
        _dovecot = dovecot;
        _postfixConfig = postfixConfig;
        ImapPort = imapPort;
        SmtpPort = smtpPort;
    }

    public int ImapPort { get; }
    public int SmtpPort { get; }
    public string Host => "127.0.0.1";
    public const string Domain = "meshclaw.test";

    /// <summary>Starts both servers with the given users (name → password); mail for name@meshclaw.test lands in their INBOX.</summary>
    public static async Task<MailServer> StartAsync(IReadOnlyDictionary<string, string> users)
    {
        if (!File.Exists("/usr/sbin/dovecot") || !File.Exists("/usr/sbin/postfix"))
        {
            throw new InvalidOperationException("Dovecot and Postfix are not installed; run the tests with scripts/test, which installs them (scripts/services/mail)");
        }

        var root = Path.Combine(Path.GetTempPath(), "meshclaw-mail-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        // Dovecot's and Postfix's own users must be able to walk into the folder.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var mail = Path.Combine(root, "mail");
        Directory.CreateDirectory(mail);
        File.SetUnixFileMode(mail, (UnixFileMode)0b111_111_111);
        var (imap, lmtp, smtp) = (FreePort(), FreePort(), FreePort());
        await File.WriteAllTextAsync(Path.Combine(root, "users"), string.Concat(users.Select(u => $"{u.Key}:{{PLAIN}}{u.Value}:65534:65534::{mail}/{u.Key}::\n")));
        await File.WriteAllTextAsync(Path.Combine(root, "dovecot.conf"), DovecotConfig(root, mail, imap, lmtp));
        var dovecot = Process.Start(new ProcessStartInfo("/usr/sbin/dovecot") { ArgumentList = { "-F", "-c", Path.Combine(root, "dovecot.conf") }, RedirectStandardError = true, RedirectStandardOutput = true })!;
        var postfix = Path.Combine(root, "postfix");
        await WritePostfixConfigAsync(postfix, lmtp, smtp);
        await StartPostfixAsync(postfix);
        var server = new MailServer(root, dovecot, postfix, imap, smtp);
        await server.WaitListeningAsync(imap, "Dovecot IMAP");
        await server.WaitListeningAsync(smtp, "Postfix SMTP");
        return server;
    }

    public string Log => File.Exists(Path.Combine(_root, "dovecot.log")) ? File.ReadAllText(Path.Combine(_root, "dovecot.log")) : "";

    /// <summary>Postfix's log: what happened to each message sent over SMTP (queued, delivered, deferred and why).</summary>
    public string DeliveryLog => File.Exists(Path.Combine(_root, "postfix", "maillog")) ? File.ReadAllText(Path.Combine(_root, "postfix", "maillog")) : "";

    /// <summary>Stops Dovecot (connections drop at once) and starts it again on the same ports: a server that went away and came back.</summary>
    public async Task RestartImapAsync()
    {
        _dovecot.Kill(entireProcessTree: true);
        await _dovecot.WaitForExitAsync();
        var again = Process.Start(new ProcessStartInfo("/usr/sbin/dovecot") { ArgumentList = { "-F", "-c", Path.Combine(_root, "dovecot.conf") }, RedirectStandardError = true, RedirectStandardOutput = true })!;
        _restarted.Add(again);
        await WaitListeningAsync(ImapPort, "Dovecot IMAP");
    }

    private readonly List<Process> _restarted = [];

    /// <summary>
    /// Kills every IMAP session process of this Dovecot with SIGKILL (not a polite logout): each client's connection is cut
    /// mid-command, as when the server crashes. The master stays up, so a client that reconnects gets a new session.
    /// Returns how many were killed.
    /// </summary>
    public int KillImapSessions()
    {
        var master = (_restarted.LastOrDefault() ?? _dovecot).Id;
        var killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var comm = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (comm == "imap" && ppid == master)
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    killed++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The process ended while we looked.
            }
        }

        return killed;
    }

    private async Task WaitListeningAsync(int port, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(25);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"{what} did not listen on {port} within 20 s: {ex.Message}\n{Log}");
            }
        }
    }

    private static string DovecotConfig(string root, string mail, int imap, int lmtp) => $$"""
        base_dir = {{root}}/run
        state_dir = {{root}}/state
        log_path = {{root}}/dovecot.log
        protocols = imap lmtp
        listen = 127.0.0.1
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        auth_username_format = %Ln
        mail_location = maildir:~/Maildir
        first_valid_uid = 1
        passdb {
          driver = passwd-file
          args = scheme=PLAIN {{root}}/users
        }
        userdb {
          driver = passwd-file
          args = {{root}}/users
        }
        service imap-login {
          inet_listener imap {
            address = 127.0.0.1
            port = {{imap}}
          }
          inet_listener imaps {
            port = 0
          }
        }
        service lmtp {
          inet_listener lmtp {
            address = 127.0.0.1
            port = {{lmtp}}
          }
        }
        namespace inbox {
          inbox = yes
          separator = /
          mailbox Drafts {
            auto = create
            special_use = \Drafts
          }
          mailbox Sent {
            auto = create
            special_use = \Sent
          }
          mailbox Archive {
            auto = create
            special_use = \Archive
          }
          mailbox Trash {
            auto = create
            special_use = \Trash
          }
          mailbox Junk {
            auto = create
            special_use = \Junk
          }
        }
        protocol imap {
          mail_max_userip_connections = 200
        }
        """;

    private static async Task WritePostfixConfigAsync(string folder, int lmtp, int smtp)
    {
        Directory.CreateDirectory(Path.Combine(folder, "queue"));
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        await RunAsync("chown", "-R", "postfix", Path.Combine(folder, "queue"), Path.Combine(folder, "data"));
        var master = new StringBuilder();
        foreach (var line in await File.ReadAllLinesAsync("/usr/share/postfix/master.cf.dist"))
        {
            var fixedLine = line.StartsWith("smtp      inet", StringComparison.Ordinal)
                ? $"127.0.0.1:{smtp}      inet  n       -       n       -       -       smtpd"
                : System.Text.RegularExpressions.Regex.Replace(line, @"^([a-z]+ +(unix|fifo|inet|pass) +[-n] +[-n]) +y ", "$1 n ");
            master.AppendLine(fixedLine);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "master.cf"), master.ToString());
        await File.WriteAllTextAsync(Path.Combine(folder, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {folder}/queue
            data_directory = {folder}/data
            mail_owner = postfix
            inet_interfaces = loopback-only
            inet_protocols = ipv4
            myhostname = {Domain}
            mydomain = {Domain}
            mydestination = {Domain}, localhost
            local_recipient_maps =
            local_transport = lmtp:inet:127.0.0.1:{lmtp}
            default_transport = error:this test server never sends mail off the machine
            relay_transport = error:this test server never sends mail off the machine
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            maillog_file = {folder}/maillog
            maillog_file_prefixes = {folder}
            alias_maps =
            alias_database =
            smtp_dns_support_level = disabled
            # A delivery deferred by a passing failure (a slow LMTP hop on a loaded machine) is tried again within
            # seconds, not after Postfix's default five minutes, which no test waits for.
            queue_run_delay = 1s
            minimal_backoff_time = 1s
            maximal_backoff_time = 4s
            """);
    }

    // Test classes run in parallel; Postfix's start script is not safe to run for two instances at once.
    private static readonly SemaphoreSlim PostfixStarts = new(1, 1);

    private static async Task StartPostfixAsync(string folder)
    {
        await PostfixStarts.WaitAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await RunAsync("/usr/sbin/postfix", "-c", folder, "start");
                    return;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    await Task.Delay(500);
                }
            }
        }
        finally
        {
            PostfixStarts.Release();
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error} {await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("/usr/sbin/postfix", "-c", _postfixConfig, "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        foreach (var process in _restarted.Append(_dovecot))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Mail files owned by another user may linger in /tmp; harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
