// NN.g4 - the grammar of the .nn language (LANGUAGE.md).
//
// Parser rules first (declarations, statements, types, expressions), then
// tokens (keywords, operators and punctuation, literals, hidden tokens), then
// fragments. No actions or predicates: meaning is given when the AST is built
// (compiler/lib/Parse). Unbalanced brackets, unterminated strings/comments,
// invalid UTF-8 and excessive nesting are rejected before this grammar runs.
grammar NN;

// ----- Declarations ----------------------------------------------------------

program : topDecl* EOF ;

topDecl
  : importDecl
  | constDecl
  | modelDecl
  | fnDecl
  | optimizerDecl
  | trainDecl
  ;

importDecl : IMPORT STRING ;

constDecl : CONST ID (COLON type)? ASSIGN expr ;

modelDecl : MODEL ID paramList? L_BRACE modelMember* R_BRACE ;

paramList : L_PAREN (param (COMMA param)* COMMA?)? R_PAREN ;

param : ID (COLON type)? (ASSIGN expr)? ;

modelMember
  : PARAM ID COLON type ASSIGN expr                       # ParamMember
  | STATE ID COLON type ASSIGN expr                       # StateMember
  | ID ASSIGN L_BRACKET expr SEMI expr R_BRACKET          # ArrayMember
  | ID ASSIGN expr                                        # SubModelMember
  | fnDecl                                                # MethodMember
  ;

fnDecl : FN ID paramList (ARROW type)? block ;

optimizerDecl : OPTIMIZER ID paramList? L_BRACE optimizerMember* R_BRACE ;

optimizerMember
  : STATE ID ASSIGN expr                                  # OptimizerState
  | ID paramList block                                    # OptimizerUpdate
  ;

trainDecl : TRAIN ID L_BRACE trainItem* R_BRACE ;

trainItem
  : ID paramList block                                    # TrainStep
  | ID paramList ASSIGN expr                              # TrainFunction
  | name=(ID | MODEL | OPTIMIZER) ASSIGN expr             # TrainField
  ;

// ----- Statements ------------------------------------------------------------

block : L_BRACE stmt* R_BRACE ;

stmt
  : LET ID (COLON type)? ASSIGN expr                      # LetStmt
  | LET L_PAREN ID (COMMA ID)+ COMMA? R_PAREN ASSIGN expr # LetTupleStmt
  | VAR ID (COLON type)? ASSIGN expr                      # VarStmt
  | ID ASSIGN expr                                        # AssignStmt
  | FOR ID IN expr RANGE expr block                       # ForStmt
  | ifStmt                                                # IfStatement
  | RETURN expr                                           # ReturnStmt
  | MINIMIZE ID COLON expr                                # MinimizeStmt
  ;

ifStmt : IF expr block (ELSE (block | ifStmt))? ;

// ----- Types -----------------------------------------------------------------

type
  : ID L_BRACKET (dim (COMMA dim)*)? R_BRACKET            # TensorType
  | L_PAREN type (COMMA type)+ COMMA? R_PAREN             # TupleType
  | ID                                                    # NamedType
  ;

dim
  : ELLIPSIS                                              # EllipsisDim
  | expr                                                  # ExprDim
  ;

// ----- Expressions, tightest binding first -----------------------------------
// `model` and `optimizer` are keywords that also name train-block fields, so
// they may be used as names in expressions (`cross_entropy(model(x), y)`).

expr
  : primary                                               # PrimaryExpr
  | expr L_PAREN (arg (COMMA arg)* COMMA?)? R_PAREN       # CallExpr
  | expr L_BRACKET indexItem (COMMA indexItem)* R_BRACKET # IndexExpr
  | expr DOT ID                                           # MemberExpr
  | <assoc=right> expr POW expr                           # PowExpr
  | op=(MINUS | NOT) expr                                 # UnaryExpr
  | expr op=(STAR | SLASH | PERCENT | MATMUL) expr        # MulExpr
  | expr op=(PLUS | MINUS) expr                           # AddExpr
  | expr op=(EQ | NE | LT | LE | GT | GE) expr            # CompareExpr
  | expr AND expr                                         # AndExpr
  | expr OR expr                                          # OrExpr
  | expr PIPE expr                                        # PipeExpr
  ;

primary
  : INT                                                   # IntLiteral
  | FLOAT                                                 # FloatLiteral
  | STRING                                                # StringLiteral
  | (TRUE | FALSE)                                        # BoolLiteral
  | NONE                                                  # NoneLiteral
  | (ID | MODEL | OPTIMIZER)                              # NameRef
  | L_PAREN expr R_PAREN                                  # ParenExpr
  | L_PAREN expr COMMA (expr (COMMA expr)*)? COMMA? R_PAREN # TupleExpr
  | L_BRACKET (expr (COMMA expr)* COMMA?)? R_BRACKET      # ListExpr
  ;

arg : (ID ASSIGN)? expr ;

indexItem
  : ELLIPSIS                                              # EllipsisIndex
  | start=expr? COLON stop=expr? (COLON step=expr?)?      # SliceIndex
  | expr                                                  # PlainIndex
  ;

// ----- Keywords --------------------------------------------------------------

IMPORT    : 'import' ;
CONST     : 'const' ;
MODEL     : 'model' ;
FN        : 'fn' ;
PARAM     : 'param' ;
STATE     : 'state' ;
OPTIMIZER : 'optimizer' ;
TRAIN     : 'train' ;
LET       : 'let' ;
VAR       : 'var' ;
RETURN    : 'return' ;
FOR       : 'for' ;
IN        : 'in' ;
IF        : 'if' ;
ELSE      : 'else' ;
MINIMIZE  : 'minimize' ;
TRUE      : 'true' ;
FALSE     : 'false' ;
NONE      : 'None' ;

// ----- Operators and punctuation ---------------------------------------------

ARROW     : '->' ;
PIPE      : '|>' ;
OR        : '||' ;
AND       : '&&' ;
EQ        : '==' ;
NE        : '!=' ;
LE        : '<=' ;
GE        : '>=' ;
LT        : '<' ;
GT        : '>' ;
ASSIGN    : '=' ;
PLUS      : '+' ;
MINUS     : '-' ;
POW       : '**' ;
STAR      : '*' ;
SLASH     : '/' ;
PERCENT   : '%' ;
MATMUL    : '@' ;
NOT       : '!' ;
ELLIPSIS  : '...' ;
RANGE     : '..' ;
DOT       : '.' ;
COMMA     : ',' ;
COLON     : ':' ;
SEMI      : ';' ;
L_PAREN   : '(' ;
R_PAREN   : ')' ;
L_BRACKET : '[' ;
R_BRACKET : ']' ;
L_BRACE   : '{' ;
R_BRACE   : '}' ;

// ----- Literals and names ----------------------------------------------------

FLOAT     : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT       : DIGITS ;
STRING    : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
ID        : [A-Za-z_] [A-Za-z0-9_]* ;

// ----- Hidden ----------------------------------------------------------------

WS            : [ \t\r\n\f]+ -> skip ;
LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
// Any other character; reported by the parser front end, never matched by a rule.
UNKNOWN_CHAR  : . ;

// ----- Fragments -------------------------------------------------------------

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
