/*
 * DynamoDB's expression language: one grammar, one start rule per kind of expression.
 *
 * The grammar only decides the shape of an expression. Everything DynamoDB checks beyond the
 * shape (function names and arity, operand types known at parse time, reserved words,
 * #name and :value references, overlapping update paths, the key-condition subset) is checked
 * by ExpressionBuilder while it turns the parse tree into evaluable nodes, so the error
 * messages can be DynamoDB's own.
 *
 * Precedence, highest first, as DynamoDB documents it: comparators, IN, BETWEEN, functions,
 * parentheses, NOT, AND, OR. An operand may be parenthesized as a condition may, and in a
 * condition (not in an update or a projection) so may the head of a document path; a pair of parentheses directly around another is DynamoDB's "redundant
 * parentheses" (ExpressionChecks). An ANTLR left-recursive rule gives earlier alternatives the
 * higher precedence.
 */
grammar DynamoDbExpression;

@parser::members {
    /** Whether a document path may start with a parenthesized path: in conditions only. */
    boolean groupedPaths;
}

// ---- start rules -------------------------------------------------------------------------

projectionExpression
    : path (',' path)* EOF
    ;

conditionExpression
    : condition EOF
    ;

updateExpression
    : updateClause+ EOF
    ;

// ---- conditions (ConditionExpression, FilterExpression, KeyConditionExpression) ------------

condition
    : operand comparator operand                        # comparison
    | operand IN '(' operand (',' operand)* ')'         # in
    | operand BETWEEN operand AND operand               # between
    | function                                          # functionCondition
    | '(' condition ')'                                 # parenthesized
    | NOT condition                                     # not
    | condition AND condition                           # and
    | condition OR condition                            # or
    ;

comparator
    : EQ | NE | LT | LE | GT | GE
    ;

operand
    : path
    | VALUE_REF
    | function
    | '(' operand ')'
    ;

function
    : NAME '(' operand (',' operand)* ')'
    ;

// ---- update expressions ----------------------------------------------------------------------

updateClause
    : SET setAction (',' setAction)*                    # setClause
    | REMOVE path (',' path)*                           # removeClause
    | ADD pathAndValue (',' pathAndValue)*              # addClause
    | DELETE pathAndValue (',' pathAndValue)*           # deleteClause
    ;

setAction
    : path EQ setValue
    ;

setValue
    : operand                                           # plainValue
    | operand PLUS operand                              # plusValue
    | operand MINUS operand                             # minusValue
    | '(' setValue ')'                                  # parenthesizedValue
    ;

pathAndValue
    : path VALUE_REF
    ;

// ---- document paths --------------------------------------------------------------------------

path
    : pathName pathStep*
    | {groupedPaths}? '(' path ')' pathStep*
    ;

pathName
    : NAME
    | NAME_REF
    ;

pathStep
    : '.' pathName                                      # memberStep
    | '[' INTEGER ']'                                   # indexStep
    ;

// ---- tokens ----------------------------------------------------------------------------------

SET     : [sS][eE][tT] ;
REMOVE  : [rR][eE][mM][oO][vV][eE] ;
ADD     : [aA][dD][dD] ;
DELETE  : [dD][eE][lL][eE][tT][eE] ;
AND     : [aA][nN][dD] ;
OR      : [oO][rR] ;
NOT     : [nN][oO][tT] ;
IN      : [iI][nN] ;
BETWEEN : [bB][eE][tT][wW][eE][eE][nN] ;

EQ    : '=' ;
NE    : '<>' ;
LT    : '<' ;
LE    : '<=' ;
GT    : '>' ;
GE    : '>=' ;
PLUS  : '+' ;
MINUS : '-' ;

NAME      : [a-zA-Z] [a-zA-Z0-9_]* ;
NAME_REF  : '#' [a-zA-Z0-9_]+ ;
VALUE_REF : ':' [a-zA-Z0-9_]+ ;
INTEGER   : [0-9]+ ;

WS : [ \t\r\n]+ -> skip ;

// Anything else becomes a token of its own, so the parser reports it as DynamoDB does
// ("Syntax error; token: ...") instead of the lexer printing to the console.
UNEXPECTED : . ;
