using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven through its chromedriver. Missing binaries fail the test
/// with what to run (CI installs them); the driver and the browser are always shut down on dispose.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly ChromeDriverService _service;
    private readonly DirectoryInfo _profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, DirectoryInfo profile)
    {
        _service = service;
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    public static HeadlessChromium Start()
    {
        var missing = new[] { ChromiumPath, DriverPath }.Where(p => !File.Exists(p)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's chromium and chromium-driver, and {string.Join(" and ", missing)} is missing. " +
                "Install them with 'bash .ci/install-browser.sh' (the README's './roundabout test' runs it first, as CI does).");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var profile = Directory.CreateTempSubdirectory("roundabout-chromium-");
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,1000",
            $"--user-data-dir={profile.FullName}");
        try
        {
            var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
            return new HeadlessChromium(service, driver, profile);
        }
        catch
        {
            service.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    public void Open(string url) => Driver.Navigate().GoToUrl(url);

    /// <summary>Polls the page until <paramref name="condition"/> holds, or fails naming what it waited for and what the page showed.</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, string what, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(Driver, timeout ?? TimeSpan.FromSeconds(30)) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            wait.Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            throw new TimeoutException($"Timed out waiting until {what}. The page showed:\n{PageText()}");
        }
    }

    public string PageText()
    {
        try
        {
            return Driver.FindElement(By.TagName("body")).Text;
        }
        catch (WebDriverException ex)
        {
            return $"(could not read the page: {ex.Message})";
        }
    }

    public object? Script(string script) => Driver.ExecuteScript(script);

    public void SaveScreenshot(string path) => Driver.GetScreenshot().SaveAsFile(path);

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        catch (WebDriverException)
        {
            // The browser is already gone; the driver's process is stopped below either way.
        }
        finally
        {
            Driver.Dispose();
            _service.Dispose();
            try
            {
                _profile.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
