// nnlab-serve: a trained network over HTTP. POST 784 pixels, get the digit and ten probabilities.
#include "app/common/bundled_files.h"
#include "app/common/command_line.h"
#include "model_server.h"

#include "engine/file_error.h"
#include "engine/model_io.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>

using namespace nnlab::app;
using namespace nnlab::engine;

namespace {

constexpr std::string_view kHelp = R"help(nnlab-serve: a trained network over HTTP. POST a 28x28 digit, get the digit back.

Usage: nnlab-serve [--model FILE] [--host ADDRESS] [--port N]
   or: nnlab-serve --help | --version

  --model FILE     the network: an nnlab model (.nnlab) or a NumPy archive (.npz), with 784
                   inputs. Default: the bundled default.nnlab, the 784-256-10 ReLU/softmax net
                   that scores 98.17% on the MNIST test set (in share/nnlab/models of the install
                   prefix, or resources/models of the source tree the program was built in;
                   NNLAB_MODEL overrides)
  --host ADDRESS   where to listen: 127.0.0.1 (default, this machine only), ::1, localhost, or
                   0.0.0.0 for every network interface (anyone who can reach it can use it)
  --port N         1 to 65535 (default 8080); 0 picks a free port, printed at start

Endpoints (every answer is JSON):
  GET  /health     {"status": "ok"}
  GET  /model      the architecture, layer sizes, parameter count and test accuracy
  POST /predict    {"pixels": [784 numbers 0..255]}: the image row by row, 0 = background,
                   255 = ink (MNIST's own encoding) -> {"digit": 7, "probabilities": [10 values
                   that sum to 1], "outputs": [the network's o_output]}
                   or an image file of one digit (Content-Type image/png, image/jpeg, ...; at
                   most 4096 pixels a side, either dark ink on light or light on dark): cropped,
                   scaled and centred as MNIST's digits were; the answer adds the 28x28
                   "pixels" the network saw
  Errors: {"error": "..."} with 400 (bad JSON, not 784 pixels, a value out of 0..255 or not a
  number; an image that cannot be read or has no ink), 404 (unknown path), 405 (wrong method),
  413 (a body over 1 MiB), 415 (an image format nnlab-serve cannot read).

Ctrl-C stops the server. Exit status: 0 stopped, 1 the model or the port failed, 2 bad flags.

Examples:
  $ nnlab-serve &
  $ curl -s 127.0.0.1:8080/predict -H 'Content-Type: application/json' \
  > -d "{\"pixels\": [$(head -n 1 data/mnist_test_10.csv | cut -d, -f2-)]}"
  $ curl -s 127.0.0.1:8080/predict -H 'Content-Type: image/png' --data-binary @digit.png
)help";

struct Options
{
    std::string model;
    QHostAddress host = QHostAddress::LocalHost;
    std::string hostText = "127.0.0.1";
    quint16 port = 8080;
};

Options parseOptions(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string flag = argv[i];
        std::string value;
        if (const std::size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag.resize(eq);
        } else if (flag == "--model" || flag == "--host" || flag == "--port") {
            if (i + 1 >= argc)
                throw UsageError(flag + " needs a value (see --help)");
            value = argv[++i];
        }
        if (flag == "--model") {
            o.model = value;
        } else if (flag == "--host") {
            o.hostText = value;
            if (value == "localhost")
                o.host = QHostAddress::LocalHost;
            else if (!o.host.setAddress(QString::fromStdString(value)))
                throw UsageError("--host needs an IP address such as 127.0.0.1 or ::1, not \"" +
                                 value + "\"");
        } else if (flag == "--port") {
            unsigned port = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
            if (value.empty() || ec != std::errc() || end != value.data() + value.size() || port > 65535)
                throw UsageError("--port must be a whole number 0 to 65535, not \"" + value + "\"");
            o.port = quint16(port);
        } else {
            throw UsageError(flag.starts_with("-") ? "unknown flag \"" + flag + "\" (see --help)"
                                                   : "unexpected argument \"" + flag + "\" (see --help)");
        }
    }
    if (o.model.empty())
        o.model = findBundled(Bundled::DefaultModel).require();
    return o;
}

// Ctrl-C and SIGTERM quit the event loop: the handler only writes a byte to a socket pair that
// a QSocketNotifier watches (the one thing a signal handler may safely do).
int g_signalPipe[2] = {-1, -1};

extern "C" void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[0], &byte, 1);
}

void quitOnSignals(QCoreApplication& app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app] { app.quit(); });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int run(int argc, char** argv)
{
    if (answerHelpOrVersion(argc, argv, "nnlab-serve", kHelp, NNLAB_VERSION))
        return 0;
    const Options o = parseOptions(argc, argv);
    Model model = loadModelFile(o.model);
    const std::string description = model.network.architecture().describe();
    const std::optional<float> accuracy = model.info.testAccuracy;
    QCoreApplication app(argc, argv);
    ModelServer server(PredictionService(std::move(model), QString::fromStdString(o.model)));
    const quint16 port = server.listen(o.host, o.port);
    if (port == 0) {
        std::fprintf(stderr, "nnlab-serve: cannot listen on %s port %u: %s\n", o.hostText.c_str(),
                     unsigned(o.port), server.errorString().toLocal8Bit().constData());
        return kExitFailure;
    }
    quitOnSignals(app);
    const bool v6 = o.host.protocol() == QAbstractSocket::IPv6Protocol;
    std::printf("nnlab-serve: listening on http://%s%s%s:%u/ (GET /health, GET /model, POST "
                "/predict)\n  model %s: %s",
                v6 ? "[" : "", o.host.toString().toLocal8Bit().constData(), v6 ? "]" : "",
                unsigned(port), o.model.c_str(), description.c_str());
    if (accuracy)
        std::printf(", test accuracy %.4f", double(*accuracy));
    std::printf("\n");
    std::fflush(stdout);
    const int code = app.exec();
    std::printf("nnlab-serve: stopped\n");
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    return runCommand("nnlab-serve", [&] { return run(argc, argv); });
}
