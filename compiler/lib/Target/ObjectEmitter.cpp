//===- ObjectEmitter.cpp - LLVM dialect to host object code ---------------===//
//
// MLIR's LLVM IR export, LLVM's new pass manager at O0-O3 (vectorizers on),
// and TargetMachine code emission; no external tools. The host CPU and its
// features are used unless a CPU is named, so the code can use AVX-512 where
// the machine has it.
//
//===----------------------------------------------------------------------===//

#include "nnc/Target/ObjectEmitter.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace nnc;

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CodegenOptions &opts, llvm::raw_ostream &errs) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    errs << "nnc: error: no code generator for " << triple << ": " << error
         << "\n";
    return nullptr;
  }
  std::string cpu = opts.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
    for (const auto &f : host)
      features += (features.empty() ? "" : ",") +
                  std::string(f.second ? "+" : "-") + f.first().str();
  }
  llvm::TargetOptions to;
  static const llvm::CodeGenOptLevel levels[] = {
      llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Less,
      llvm::CodeGenOptLevel::Default, llvm::CodeGenOptLevel::Aggressive};
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
      levels[std::min(opts.optLevel, 3u)]));
  if (!tm)
    errs << "nnc: error: cannot create a code generator for CPU '" << cpu
         << "'\n";
  return tm;
}

/// Runs LLVM's default O<n> pipeline on `m`.
static void optimize(llvm::Module &m, llvm::TargetMachine &tm, unsigned level) {
  if (level == 0)
    return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = true;
  pto.SLPVectorization = true;
  llvm::PassBuilder pb(&tm, pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  static const llvm::OptimizationLevel levels[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
      llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  pb.buildPerModuleDefaultPipeline(levels[std::min(level, 3u)]).run(m, mam);
}

/// Defines `<symbol>(void **args)`, which calls the C interface of `entry`
/// with args[0] (the results) and args[1...] (the arguments).
static llvm::Function *addPackedEntry(llvm::Module &m, llvm::Function *entry,
                                      const std::string &symbol) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *packed = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false),
      llvm::GlobalValue::ExternalLinkage, symbol, m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", packed));
  std::vector<llvm::Value *> args;
  for (unsigned i = 0; i < entry->arg_size(); ++i) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptr, packed->getArg(0), i);
    args.push_back(b.CreateLoad(ptr, slot));
  }
  b.CreateCall(entry, args);
  b.CreateRetVoid();
  return packed;
}

/// Adds what the runtime links against (runtime/include/nnrt/abi.h): the
/// model descriptor as `<prefix>_model_descriptor`,
/// `<prefix>_forward_packed(void **args)`, and for a training program
/// `<prefix>_train_step_packed`, `_eval_step_packed` and `_grad_packed`.
/// Returns the forward's packed entry.
static llvm::Function *addRuntimeInterface(llvm::Module &m,
                                           llvm::StringRef descriptor,
                                           llvm::StringRef prefix,
                                           llvm::raw_ostream &errs) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *text = llvm::ConstantDataArray::getString(ctx, descriptor, true);
  new llvm::GlobalVariable(m, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           prefix + "_model_descriptor");
  llvm::Function *forward = m.getFunction("_mlir_ciface_forward");
  if (!forward) {
    errs << "nnc: internal error: no C interface for 'forward'\n";
    return nullptr;
  }
  for (const char *name : {"train_step", "eval_step", "grad"})
    if (llvm::Function *f = m.getFunction(("_mlir_ciface_" + llvm::Twine(name)).str()))
      addPackedEntry(m, f, (prefix + "_" + name + "_packed").str());
  return addPackedEntry(m, forward, (prefix + "_forward_packed").str());
}

/// Defines `<name>_<suffix>` forwarding its arguments to the runtime's
/// `callee` (declared with the same parameters), with `extra` first.
static void addForwarder(llvm::Module &m, const std::string &name,
                         llvm::StringRef callee, llvm::Type *result,
                         llvm::ArrayRef<llvm::Value *> extra,
                         llvm::ArrayRef<llvm::Type *> params) {
  llvm::LLVMContext &ctx = m.getContext();
  std::vector<llvm::Type *> calleeParams;
  for (llvm::Value *v : extra)
    calleeParams.push_back(v->getType());
  calleeParams.insert(calleeParams.end(), params.begin(), params.end());
  llvm::FunctionCallee target = m.getOrInsertFunction(
      callee, llvm::FunctionType::get(result, calleeParams, false));
  auto *f = llvm::Function::Create(
      llvm::FunctionType::get(result, params, false),
      llvm::GlobalValue::ExternalLinkage, name, m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
  std::vector<llvm::Value *> args(extra.begin(), extra.end());
  for (llvm::Argument &a : f->args())
    args.push_back(&a);
  llvm::Value *call = b.CreateCall(target, args);
  if (result->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(call);
}

/// Makes every definition internal except the exported ones (those whose
/// name starts with `<prefix>_`), so that two exported models in one
/// program do not collide on `forward` and its helpers.
static void internalize(llvm::Module &m, llvm::StringRef prefix) {
  std::string exported = (prefix + "_").str();
  for (llvm::GlobalValue &g : m.global_values()) {
    if (g.isDeclaration() || g.getName().starts_with(exported))
      continue;
    g.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
}

/// The embedding API of an exported model (runtime/include/nnrt/embed.h):
///   nnrt_status P_create(uint64_t seed, nnrt_model **out);
///   nnrt_status P_load(nnrt_model *model, const char *path);
///   nnrt_status P_forward(nnrt_model *model, const nnrt_tensor *inputs,
///                         size_t n_in, nnrt_tensor *outputs, size_t n_out);
///   void P_destroy(nnrt_model *model);
/// each a call into nnrt_model_* with P's descriptor and packed entry.
static void addEmbedInterface(llvm::Module &m, llvm::Function *packed,
                              const std::string &prefix) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::Value *descriptor = m.getNamedGlobal(prefix + "_model_descriptor");
  addForwarder(m, prefix + "_create", "nnrt_model_create", i32,
               {descriptor, packed}, {i64, ptr});
  addForwarder(m, prefix + "_load", "nnrt_model_load", i32, {}, {ptr, ptr});
  addForwarder(m, prefix + "_forward", "nnrt_model_forward", i32, {},
               {ptr, ptr, i64, ptr, i64});
  addForwarder(m, prefix + "_destroy", "nnrt_model_destroy",
               llvm::Type::getVoidTy(ctx), {}, {ptr});
}

/// Adds the runtime interface, and for a library the embedding API.
static bool addInterfaces(llvm::Module &m, llvm::StringRef descriptor,
                          const std::string &exportName,
                          llvm::raw_ostream &errs) {
  std::string prefix = exportName.empty() ? "nnc" : exportName;
  llvm::Function *packed = addRuntimeInterface(m, descriptor, prefix, errs);
  if (!packed)
    return false;
  if (exportName.empty())
    return true;
  internalize(m, prefix);
  addEmbedInterface(m, packed, prefix);
  return true;
}

bool nnc::emitNative(mlir::ModuleOp module, const CodegenOptions &opts,
                     OutputKind kind, llvm::raw_pwrite_stream &os,
                     llvm::raw_ostream &errs) {
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());
  // The descriptor travels as a module attribute from MLIRGen.
  std::string descriptor;
  if (auto attr = module->getAttrOfType<mlir::StringAttr>("nn.descriptor")) {
    descriptor = attr.str();
    module->removeAttr("nn.descriptor");
  }
  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> m =
      mlir::translateModuleToLLVMIR(module, llvmCtx, "nnc");
  if (!m) {
    errs << "nnc: internal error: the module does not translate to LLVM IR\n";
    return false;
  }
  if (!descriptor.empty() &&
      !addInterfaces(*m, descriptor, opts.exportName, errs))
    return false;
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(opts, errs);
  if (!tm)
    return false;
  m->setTargetTriple(tm->getTargetTriple().str());
  m->setDataLayout(tm->createDataLayout());
  optimize(*m, *tm, opts.optLevel);
  if (kind == OutputKind::LLVMIR) {
    m->print(os, nullptr);
    return true;
  }
  llvm::legacy::PassManager pm;
  auto fileType = kind == OutputKind::Assembly
                      ? llvm::CodeGenFileType::AssemblyFile
                      : llvm::CodeGenFileType::ObjectFile;
  if (tm->addPassesToEmitFile(pm, os, nullptr, fileType)) {
    errs << "nnc: error: the code generator cannot emit this file type\n";
    return false;
  }
  pm.run(*m);
  return true;
}
