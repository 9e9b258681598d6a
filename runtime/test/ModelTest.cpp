//===- ModelTest.cpp - Tests of the model descriptor parser ---------------===//
//
// A full descriptor parsed into nnrt_model_info (roles, dtypes, dynamic
// dims, initializers with their defaults, fans), the type strings messages
// use, and one malformed descriptor per validation rule with its message.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <string>

namespace {
/// Frees the parsed descriptor at the end of the scope.
struct Model {
  nnrt_model_info *info = nullptr;
  ~Model() { nnrt_model_free(info); }
};
} // namespace

static const char kMlp[] = R"({"version": 1, "entry": "forward",
  "args": [
    {"role": "input", "name": "x", "dtype": "F32", "shape": [-1, 1, 28, 28]},
    {"role": "input", "name": "t", "dtype": "I64", "shape": ["B", "T"]},
    {"role": "param", "name": "fc1.w", "dtype": "F32", "shape": [256, 784],
     "init": {"name": "kaiming_uniform", "a": 2.236}, "fan_in": 784,
     "fan_out": 256},
    {"role": "param", "name": "fc1.b", "dtype": "F32", "shape": [256],
     "init": {"name": "uniform", "lo": -0.5, "hi": 0.5}},
    {"role": "param", "name": "g", "dtype": "F32", "shape": [3],
     "init": {"name": "normal"}},
    {"role": "state", "name": "n", "dtype": "I64", "shape": [],
     "init": {"name": "zeros"}}],
  "results": [
    {"role": "output", "name": "y", "dtype": "F32", "shape": [-1, 10]},
    {"role": "state", "name": "n", "dtype": "I64", "shape": []}]})";

TEST(ModelTest, ParsesDescriptor) {
  Model m;
  ASSERT_EQ(nnrt_model_parse(kMlp, &m.info), NNRT_OK) << nnrt_last_error();
  EXPECT_EQ(m.info->version, 1);
  EXPECT_STREQ(m.info->entry, "forward");
  ASSERT_EQ(m.info->n_args, 6u);
  ASSERT_EQ(m.info->n_results, 2u);
  const nnrt_arg_info &x = m.info->args[0];
  EXPECT_EQ(x.role, NNRT_ROLE_INPUT);
  EXPECT_EQ(x.rank, 4);
  EXPECT_EQ(x.shape[0], -1);
  EXPECT_EQ(x.dim_names[0], nullptr);
  EXPECT_EQ(x.shape[3], 28);
  EXPECT_EQ(x.init.kind, NNRT_INIT_NONE);
  const nnrt_arg_info &t = m.info->args[1];
  EXPECT_EQ(t.dtype, NNRT_I64);
  EXPECT_STREQ(t.dim_names[1], "T");
  EXPECT_EQ(t.shape[1], -1);
  const nnrt_arg_info &w = m.info->args[2];
  EXPECT_EQ(w.role, NNRT_ROLE_PARAM);
  EXPECT_STREQ(w.name, "fc1.w");
  EXPECT_EQ(w.init.kind, NNRT_INIT_KAIMING_UNIFORM);
  EXPECT_EQ(w.init.a, 2.236);
  EXPECT_EQ(w.fan_in, 784);
  EXPECT_EQ(w.fan_out, 256);
  const nnrt_arg_info &b = m.info->args[3];
  EXPECT_EQ(b.init.kind, NNRT_INIT_UNIFORM);
  EXPECT_EQ(b.init.lo, -0.5);
  EXPECT_EQ(b.init.hi, 0.5);
  EXPECT_EQ(b.fan_in, 0);
  EXPECT_EQ(m.info->args[4].init.std, 1.0); // the default
  EXPECT_EQ(m.info->args[5].role, NNRT_ROLE_STATE);
  EXPECT_EQ(m.info->args[5].rank, 0);
  EXPECT_EQ(m.info->results[0].role, NNRT_ROLE_OUTPUT);
  EXPECT_EQ(m.info->results[1].role, NNRT_ROLE_STATE);
}

TEST(ModelTest, TypeStrings) {
  Model m;
  ASSERT_EQ(nnrt_model_parse(kMlp, &m.info), NNRT_OK) << nnrt_last_error();
  char buf[64];
  EXPECT_STREQ(nnrt_arg_type_string(&m.info->args[0], buf, sizeof(buf)),
               "f32[B, 1, 28, 28]");
  EXPECT_STREQ(nnrt_arg_type_string(&m.info->args[1], buf, sizeof(buf)),
               "i64[B, T]");
  EXPECT_STREQ(nnrt_arg_type_string(&m.info->args[5], buf, sizeof(buf)),
               "i64[]");
  char tiny[6];
  EXPECT_STREQ(nnrt_arg_type_string(&m.info->args[2], tiny, sizeof(tiny)),
               "f32[2");
  nnrt_arg_info other = {};
  other.dtype = NNRT_F32;
  other.rank = 3;
  other.shape[0] = 2;
  other.shape[1] = -1;
  other.shape[2] = -1;
  EXPECT_STREQ(nnrt_arg_type_string(&other, buf, sizeof(buf)),
               "f32[2, N1, N2]");
}

/// The message for \p text, which must fail to parse.
static std::string parseError(const std::string &text) {
  Model m;
  EXPECT_EQ(nnrt_model_parse(text.c_str(), &m.info), NNRT_ERR_FORMAT) << text;
  EXPECT_EQ(m.info, nullptr);
  return nnrt_last_error();
}

/// A descriptor whose args are \p args and results \p results.
static std::string descriptor(const std::string &args,
                              const std::string &results =
                                  R"({"role": "output", "name": "y",
                                      "dtype": "F32", "shape": [1]})") {
  return R"({"version": 1, "entry": "forward", "args": [)" + args +
         R"(], "results": [)" + results + "]}";
}

static std::string param(const std::string &init,
                         const std::string &extra = "") {
  return R"({"role": "param", "name": "w", "dtype": "F32", "shape": [2, 3],
             "init": )" +
         init + extra + "}";
}

TEST(ModelTest, RejectsMalformedTopLevel) {
  EXPECT_EQ(parseError("{"), "model descriptor: invalid JSON: at byte 1: "
                             "expected a string key, found end of input");
  EXPECT_EQ(parseError("[]"),
            "model descriptor: top level: is an array, expected an object");
  EXPECT_EQ(parseError(R"({"version": 2, "entry": "f", "args": [],
                           "results": []})"),
            "model descriptor: \"version\" must be 1");
  EXPECT_EQ(parseError(R"({"version": 1, "entry": "", "args": [],
                           "results": []})"),
            "model descriptor: top level: \"entry\" must be a non-empty "
            "string");
  EXPECT_EQ(parseError(R"({"version": 1, "entry": "f", "args": {},
                           "results": []})"),
            "model descriptor: \"args\" must be an array");
  EXPECT_EQ(parseError(R"({"version": 1, "entry": "f", "args": [],
                           "results": [], "extra": 0})"),
            "model descriptor: top level: unexpected key \"extra\"");
  Model m;
  EXPECT_EQ(nnrt_model_parse(nullptr, &m.info), NNRT_ERR_FORMAT);
}

TEST(ModelTest, RejectsMalformedArgs) {
  EXPECT_EQ(parseError(descriptor("3")),
            "model descriptor: args[0]: is an integer, expected an object");
  EXPECT_EQ(parseError(descriptor(R"({"role": "input", "dtype": "F32",
                                      "shape": []})")),
            "model descriptor: args[0]: lacks \"name\"");
  EXPECT_EQ(parseError(descriptor(R"({"role": "weight", "name": "x",
                                      "dtype": "F32", "shape": []})")),
            "model descriptor: args[0] ('x'): role 'weight' is not one of "
            "input, param, state");
  EXPECT_EQ(parseError(descriptor(R"({"role": "input", "name": "x",
                                      "dtype": "F8", "shape": []})")),
            "model descriptor: args[0] ('x'): unknown dtype 'F8'");
  EXPECT_EQ(parseError(descriptor(R"({"role": "input", "name": "x",
                                      "dtype": "F32", "shape": [-2]})")),
            "model descriptor: args[0] ('x'): shape dim 0 must be a size "
            ">= 0, -1 or a symbol");
  EXPECT_EQ(parseError(descriptor(R"({"role": "input", "name": "x",
           "dtype": "F32", "shape": [1, 1, 1, 1, 1, 1, 1, 1, 1]})")),
            "model descriptor: args[0] ('x'): \"shape\" must be an array of "
            "at most 8 dims");
  EXPECT_EQ(parseError(descriptor(R"({"role": "input", "name": "x",
           "dtype": "F32", "shape": [1], "init": {"name": "zeros"}})")),
            "model descriptor: args[0] ('x'): unexpected key \"init\"");
  EXPECT_EQ(parseError(descriptor(R"({"role": "state", "name": "s",
           "dtype": "F32", "shape": [-1], "init": {"name": "zeros"}})")),
            "model descriptor: args[0] ('s'): shape dim 0 is dynamic, which "
            "only inputs and results may be");
  EXPECT_EQ(parseError(descriptor(R"({"role": "input", "name": "x",
           "dtype": "F32", "shape": [1]}, {"role": "input", "name": "x",
           "dtype": "F32", "shape": [1]})")),
            "model descriptor: args[1]: duplicate name 'x'");
}

TEST(ModelTest, RejectsMalformedInitializers) {
  EXPECT_EQ(parseError(descriptor(
                R"({"role": "param", "name": "w", "dtype": "F32",
                    "shape": [2]})")),
            "model descriptor: args[0] ('w'): lacks \"init\"");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "xavier"})"))),
            "model descriptor: args[0] ('w'): init: unknown initializer "
            "'xavier'");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "glorot_uniform",
                                            "a": 1})"))),
            "model descriptor: args[0] ('w'): init: unexpected key \"a\"");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "constant"})"))),
            "model descriptor: args[0] ('w'): init: constant initializer "
            "lacks \"value\"");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "normal", "std": "1"})"))),
            "model descriptor: args[0] ('w'): init: \"std\" is a string, "
            "expected a number");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "normal", "std": -1})"))),
            "model descriptor: args[0] ('w'): init: normal initializer has "
            "std -1 < 0");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "uniform", "lo": 1,
                                            "hi": 0})"))),
            "model descriptor: args[0] ('w'): init: uniform initializer has "
            "lo 1 > hi 0");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "kaiming_normal"})"))),
            "model descriptor: args[0] ('w'): kaiming initializer needs "
            "\"fan_in\" > 0");
  EXPECT_EQ(parseError(descriptor(param(R"({"name": "glorot_normal"})",
                                        R"(, "fan_in": 0, "fan_out": 0)"))),
            "model descriptor: args[0] ('w'): glorot initializer needs "
            "\"fan_in\" + \"fan_out\" > 0");
  EXPECT_EQ(parseError(
                descriptor(param(R"({"name": "zeros"})", R"(, "fan_in": -3)"))),
            "model descriptor: args[0] ('w'): \"fan_in\" must be an integer "
            ">= 0");
  EXPECT_EQ(parseError(descriptor(R"({"role": "param", "name": "w",
           "dtype": "I32", "shape": [2], "init": {"name": "ones"}})")),
            "model descriptor: args[0] ('w'): initializer needs dtype F32, "
            "not i32");
}

TEST(ModelTest, RejectsMalformedResults) {
  std::string state = R"({"role": "state", "name": "s", "dtype": "F32",
                          "shape": [2], "init": {"name": "zeros"}})";
  EXPECT_EQ(parseError(descriptor(state, R"({"role": "input", "name": "s",
                                             "dtype": "F32", "shape": [2]})")),
            "model descriptor: results[0] ('s'): role 'input' is not one of "
            "output, state");
  EXPECT_EQ(parseError(descriptor(state, R"({"role": "state", "name": "t",
                                             "dtype": "F32", "shape": [2]})")),
            "model descriptor: results[0] ('t'): a state result needs a "
            "state arg of the same name");
  EXPECT_EQ(parseError(descriptor(state, R"({"role": "state", "name": "s",
                                             "dtype": "F32", "shape": [3]})")),
            "model descriptor: results[0] ('s'): state result's dtype and "
            "shape differ from the arg's");
  EXPECT_EQ(parseError(descriptor(state, R"({"role": "output", "name": "y",
             "dtype": "F32", "shape": [1], "init": {"name": "zeros"}})")),
            "model descriptor: results[0] ('y'): unexpected key \"init\"");
  EXPECT_EQ(parseError(descriptor(state, R"({"role": "output", "name": "y",
             "dtype": "F32", "shape": [1]}, {"role": "output", "name": "y",
             "dtype": "F32", "shape": [1]})")),
            "model descriptor: results[1]: duplicate name 'y'");
}
