using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Casework.Web.Tests;

/// <summary>Signing and encryption keys for test hosts: created once per test run in a temporary folder.</summary>
public static class TestCertificates
{
    private static readonly Lazy<(string Signing, string Encryption)> Files = new(Create);

    public static string SigningPath => Files.Value.Signing;

    public static string EncryptionPath => Files.Value.Encryption;

    private static (string, string) Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "casework-test-keys-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        return (Write(folder, "signing"), Write(folder, "encryption"));
    }

    private static string Write(string folder, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Casework test {name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(now, now.AddYears(10));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }
}
